namespace ActorTrainer.Cli.Hosting;

/// <summary>
/// .NET's inline socket completions for a process that serves the external-episodes API. By default .NET's epoll
/// thread hands every socket completion to the thread pool: one more thread switch per request received, on the
/// trainer's side and on a client's in the same process. With DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 the
/// completion runs on the event thread itself (one per core). Kestrel still hands requests to the thread pool
/// (SocketTransportOptions.UnsafePreferInlineScheduling stays off), so the API's handlers, the batched forward pass and
/// the action gate never run on an event thread: only the transport's own short continuations do (reading into a pipe).
/// .NET reads the variable once, at the first asynchronous socket operation of the process, so this must run before
/// any socket is used.
/// </summary>
public static class InlineSocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Turns inline completions on unless the variable is set already (a user's "0" keeps the thread pool hop).
    /// Returns whether the process runs with them.
    /// </summary>
    public static bool EnableUnlessChosen()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null) Environment.SetEnvironmentVariable(Variable, "1");
        return Enabled;
    }

    /// <summary>Whether the variable asks for inline completions (.NET's own test: exactly "1").</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";
}
