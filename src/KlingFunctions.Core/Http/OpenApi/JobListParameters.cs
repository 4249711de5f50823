using System.Text.Json.Nodes;
using KlingFunctions.Workflow;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace KlingFunctions.Http.OpenApi;

/// <summary>The query parameters of <c>GET /api/videos</c>: read by <see cref="JobListRequest"/>, which answers 400 for bad ones.</summary>
internal static class JobListParameters
{
    public static Task Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = JobListRequest.StatusParameter,
            In = ParameterLocation.Query,
            Description = "Only jobs with this status (as the job view has it).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. Enum.GetNames<JobStatus>().Select(name => (JsonNode)JsonValue.Create(name))] },
        });
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = JobListRequest.TopParameter,
            In = ParameterLocation.Query,
            Description = "How many jobs a page holds at most.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = JobListRequest.MaxTop.ToString(System.Globalization.CultureInfo.InvariantCulture), Default = JsonValue.Create(JobListRequest.DefaultTop) },
        });
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = JobListRequest.ContinuationTokenParameter,
            In = ParameterLocation.Query,
            Description = "The continuationToken of the previous page, to read the next one.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        return Task.CompletedTask;
    }
}
