using KlingFunctions.Telemetry;
using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;

namespace KlingFunctions.Http;

/// <summary>
/// The HTTP contract of DESIGN.md, written once on ASP.NET Core types. The Functions app and the DevHost
/// route requests here with a <see cref="DurableVideoJobClient"/> over their Durable client.
/// </summary>
public sealed class VideoApi(VideoJobStarter starter, JobViewFactory views, FreepikWebhookReceiver webhooks, TimeProvider time)
{
    private const string CanceledReason = "Canceled by the caller.";

    /// <summary><c>POST /api/videos</c>: 202 with the job view; 400, 413 or 415 problems.</summary>
    public Task<IResult> StartAsync(HttpRequest request, DurableVideoJobClient jobs, CancellationToken cancellationToken)
        => starter.StartAsync(request, jobs, cancellationToken);

    /// <summary><c>GET /api/videos/{id}</c>: 200 with the job view; 404.</summary>
    public async Task<IResult> GetAsync(string id, DurableVideoJobClient jobs, CancellationToken cancellationToken)
        => await FindAsync(id, jobs, cancellationToken) is { } snapshot
            ? TypedResults.Json(await views.CreateAsync(snapshot, cancellationToken), ApiJson.Options)
            : Problems.JobNotFound(id);

    /// <summary><c>GET /api/videos?status=&amp;top=&amp;continuationToken=</c>: 200 with a page of jobs, most recent first; 400.</summary>
    public async Task<IResult> ListAsync(HttpRequest request, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        var (query, errors) = JobListRequest.Read(request.Query);
        if (query is null)
        {
            return Problems.Validation(errors);
        }

        var statuses = query.Status is { } status ? JobViewFactory.RuntimeStatusesFor(status) : null;
        var page = await jobs.ListAsync(
            statuses,
            job => query.Status is null || JobViewFactory.Summarize(job).Status == query.Status,
            query.Top,
            query.After,
            time.GetUtcNow(),
            cancellationToken);
        var list = new JobList([.. page.Jobs.Select(JobViewFactory.Summarize)], page.Next is { } next ? JobListRequest.Encode(next) : null);
        return TypedResults.Json(list, ApiJson.Options);
    }

    /// <summary>
    /// <c>POST /api/videos/{id}/cancel</c>: 202 when the job was asked to stop, with its view (still Pending or Running:
    /// it ends <c>Canceled</c> at its next wait, through its own finish); 404; 409 when it has already ended.
    /// </summary>
    public async Task<IResult> CancelAsync(string id, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, jobs, cancellationToken) is not { } snapshot)
        {
            return Problems.JobNotFound(id);
        }

        // A job that has reported its outcome keeps it, even while its finish (slot, callback, event) is under way.
        var view = await views.CreateAsync(snapshot, cancellationToken);
        if (HasEnded(view))
        {
            return Problems.AlreadyFinished(id, view.Status.ToString());
        }

        // Freepik has no cancel call: a task already submitted still runs (and is paid); the job stops waiting for it.
        var raised = await jobs.RequestCancelAsync(id, CanceledReason, cancellationToken);
        if (raised.Outcome == RaiseEventOutcome.Raised)
        {
            return new JobAccepted(view);
        }

        // The job ended (or was purged) between the read and the request: it was not canceled.
        if (raised.Job is not { } ended)
        {
            return Problems.JobNotFound(id);
        }

        view = await views.CreateAsync(ended, cancellationToken);
        return Problems.AlreadyFinished(id, HasEnded(view) ? view.Status.ToString() : "no longer running");
    }

    /// <summary><c>POST /api/webhooks/freepik/{id}?token=…</c>: 202; 401; 404; 400.</summary>
    public Task<IResult> ReceiveFreepikWebhookAsync(HttpRequest request, string id, DurableVideoJobClient jobs, CancellationToken cancellationToken)
        => webhooks.ReceiveAsync(request, id, jobs, cancellationToken);

    private static bool HasEnded(JobView view) => view.Status is not (JobStatus.Pending or JobStatus.Running);

    private static async Task<VideoJobSnapshot?> FindAsync(string id, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        if (!JobIds.IsWellFormed(id))
        {
            return null;
        }

        KlingTelemetry.TagJob(id);
        return await jobs.GetAsync(id, cancellationToken);
    }
}
