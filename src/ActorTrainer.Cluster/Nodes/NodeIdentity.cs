using System.Text;

namespace ActorTrainer.Cluster.Nodes;

/// <summary>Default node ids (role, host, process) and per-process incarnation ids.</summary>
public static class NodeIdentity
{
    /// <summary><c>{role}-{host}-{pid}</c>, reduced to the characters node ids allow and at most 64 of them.</summary>
    public static string DefaultNodeId(string role)
    {
        var sb = new StringBuilder();
        foreach (var c in $"{role}-{Environment.MachineName}")
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-');
        var suffix = "-" + Environment.ProcessId;
        var head = sb.ToString();
        if (head.Length + suffix.Length > 64) head = head[..(64 - suffix.Length)];
        return head + suffix;
    }

    /// <summary>Unique per process start, so a restarted node (same id) is told apart from its earlier life.</summary>
    public static string NewIncarnation() => Guid.NewGuid().ToString("N")[..16];
}
