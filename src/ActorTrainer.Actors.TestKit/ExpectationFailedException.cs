using Xunit.Sdk;

namespace ActorTrainer.Actors.TestKit;

/// <summary>A TestKit expectation was not met; the message says what was expected and what arrived instead.</summary>
public sealed class ExpectationFailedException(string message) : XunitException(message);
