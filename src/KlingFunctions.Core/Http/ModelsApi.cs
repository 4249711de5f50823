using System.Text.Json.Serialization;
using KlingFunctions.Freepik;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Http;

/// <summary><c>GET /api/models</c>: the catalogue (<see cref="KlingModels"/>) as callers use it, for a model picker.</summary>
public sealed class ModelsApi(IOptions<FreepikOptions> freepik)
{
    public IResult Get() => TypedResults.Json(ModelCatalogueView.Of(KlingModels.All, freepik.Value.DefaultModel), ApiJson.Options);
}

/// <summary>The models, and the one a job gets when its request names none (<c>Freepik:DefaultModel</c>).</summary>
public sealed record ModelCatalogueView(string Default, IReadOnlyList<ModelView> Items)
{
    public static ModelCatalogueView Of(IEnumerable<KlingModel> models, string defaultModel)
        => new(defaultModel, [.. models.Select(model => new ModelView(
            model.Id, model.Name, model.Description, model.ImageRequired, [.. model.Fields.Select(ModelFieldView.Of)]))]);
}

/// <param name="ImageRequired">False on the models that also make a video from a prompt alone.</param>
/// <param name="Fields">Only the fields this model takes, in the caller's names.</param>
public sealed record ModelView(string Id, string Name, string Description, bool ImageRequired, IReadOnlyList<ModelFieldView> Fields);

/// <summary>One field a model takes: its caller name, type and, where they apply, values, range, length and default.</summary>
/// <param name="Type"><c>image</c>, <c>string</c>, <c>number</c>, <c>integer</c>, <c>boolean</c> or <c>dynamic_masks</c>.</param>
public sealed record ModelFieldView(string Name, string Type, bool Required)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Enum { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Minimum { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Maximum { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxLength { get; init; }

    /// <summary>What the model does without the field: a string, number or boolean.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public object? Default { get; init; }

    /// <summary>Only on a field for one kind of job: <c>["image"]</c> (with an image) or <c>["text"]</c> (a prompt alone).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Modes { get; init; }

    public static ModelFieldView Of(ModelField field) => new(field.Name, field.Type, field.Required)
    {
        Enum = field.Enum,
        Minimum = field.Minimum,
        Maximum = field.Maximum,
        MaxLength = field.MaxLength,
        Default = field.Default,
        Modes = field.Modes switch
        {
            JobModes.ImageToVideo => ["image"],
            JobModes.TextToVideo => ["text"],
            _ => null,
        },
    };
}
