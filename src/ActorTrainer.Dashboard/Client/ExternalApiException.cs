namespace ActorTrainer.Dashboard.Client;

/// <summary>The trainer refused an external-episodes call: its status code, the field it named and its message.</summary>
public sealed class ExternalApiException(int statusCode, string? field, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    public string? Field { get; } = field;
}
