namespace ActorTrainer.Dashboard.Api;

/// <summary>A request body the API could not accept; <see cref="Field"/> names the offending JSON field (or "body").</summary>
internal sealed class BadRequestBody(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
