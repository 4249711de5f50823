using System.Text.Json.Nodes;

namespace KlingFunctions.Freepik;

/// <summary>One create call: the model (whose path it goes to) and its body, in the model's own names (<see cref="KlingModel.CreateBody"/>).</summary>
public sealed record FreepikCreateTask(KlingModel Model, JsonObject Body);
