namespace ActorTrainer.Dashboard;

/// <summary>The dashboard refused to start (unsafe binding, bad URL, empty token); the message says what to change.</summary>
public sealed class DashboardStartException(string message, Exception? inner = null) : Exception(message, inner);
