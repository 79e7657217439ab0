namespace ActorTrainer.Dashboard.Api;

/// <summary>A refusal that did not come from the Controller (bad body, missing token). Serialised snake_case.</summary>
internal sealed record ErrorBody(string Error, string Kind, string? Field, bool Ok = false);
