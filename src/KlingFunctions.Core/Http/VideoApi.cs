using KlingFunctions.Events;
using KlingFunctions.Storage;
using KlingFunctions.Telemetry;
using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;

namespace KlingFunctions.Http;

/// <summary>
/// The HTTP contract of DESIGN.md, written once on ASP.NET Core types. The Functions app and the DevHost
/// route requests here with a <see cref="DurableVideoJobClient"/> over their Durable client.
/// </summary>
public sealed class VideoApi(VideoJobStarter starter, JobViewFactory views, FreepikWebhookReceiver webhooks, FreepikSlots slots, JobEvents events, TimeProvider time)
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

    /// <summary><c>POST /api/videos/{id}/cancel</c>: 202; 404; 409 when the job has already finished.</summary>
    public async Task<IResult> CancelAsync(string id, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, jobs, cancellationToken) is not { } snapshot)
        {
            return Problems.JobNotFound(id);
        }

        var view = await views.CreateAsync(snapshot, cancellationToken);
        if (view.Status is not (JobStatus.Pending or JobStatus.Running))
        {
            return Problems.AlreadyFinished(id, view.Status.ToString());
        }

        // Freepik has no cancel call: a task already submitted still finishes (and is paid); we stop waiting for it.
        await jobs.TerminateAsync(id, CanceledReason, cancellationToken);

        // A terminated orchestration runs no more code, so its Freepik slot (or place in line) is given back here and
        // the next in line woken. Should it take a slot again before the terminate lands, that slot lapses at its deadline.
        await jobs.WakeForSlotAsync(await slots.ReleaseAsync(new SlotRelease(slots.CurrentPool, id), cancellationToken), slots.CurrentPool, cancellationToken);

        // Durable terminates asynchronously, so the job may still read Running; but if it finished between the
        // read and the terminate, it was not canceled.
        view = await views.CreateAsync(await jobs.GetAsync(id, cancellationToken) ?? snapshot, cancellationToken);
        if (view.Status is not (JobStatus.Canceled or JobStatus.Pending or JobStatus.Running))
        {
            return Problems.AlreadyFinished(id, view.Status.ToString());
        }

        // A terminated orchestration never runs its finish, so the Canceled metric and event are sent from here.
        KlingTelemetry.JobFinished(JobStatus.Canceled, JobErrorCodes.Canceled, duration: null);
        await events.PublishCanceledAsync(view, time.GetUtcNow(), CanceledReason, cancellationToken);
        return new JobAccepted(view);
    }

    /// <summary><c>POST /api/webhooks/freepik/{id}?token=…</c>: 202; 401; 404; 400.</summary>
    public Task<IResult> ReceiveFreepikWebhookAsync(HttpRequest request, string id, DurableVideoJobClient jobs, CancellationToken cancellationToken)
        => webhooks.ReceiveAsync(request, id, jobs, cancellationToken);

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
