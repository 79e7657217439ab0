using System.Text.RegularExpressions;

namespace ActorTrainer.Cluster.Transport;

/// <summary>
/// Broker object names for one cluster. Everything lives under <c>at.{cluster}.</c> so one broker can host
/// several runs; node-owned queues add <c>.{nodeId}</c>.
/// </summary>
public sealed partial class ClusterTopology
{
    public ClusterTopology(string clusterName)
    {
        ValidateName(clusterName, "cluster name");
        ClusterName = clusterName;
        Prefix = $"at.{clusterName}.";
        ExperienceQueue = Prefix + "experience";
        WeightsExchange = Prefix + "weights";
        ControlExchange = Prefix + "control";
        TelemetryQueue = Prefix + "telemetry";
        VisualFramesQueue = Prefix + "frames";
    }

    public string ClusterName { get; }
    public string Prefix { get; }

    /// <summary>Bounded work queue: runners publish experience, the replay node consumes.</summary>
    public string ExperienceQueue { get; }

    /// <summary>Fanout exchange; every runner node binds its own length-1 queue.</summary>
    public string WeightsExchange { get; }

    /// <summary>Fanout exchange; every node binds its own queue.</summary>
    public string ControlExchange { get; }

    /// <summary>Queue read by the learner node: episode results, heartbeats.</summary>
    public string TelemetryQueue { get; }

    /// <summary>
    /// Queue read by the learner node: visual-mode frames of the one watched remote runner. Length 1, oldest dropped,
    /// so the broker holds only the newest frame: a frame that waits is already stale.
    /// </summary>
    public string VisualFramesQueue { get; }

    public string WeightsQueue(string nodeId) => $"{WeightsExchange}.{nodeId}";

    public string ControlQueue(string nodeId) => $"{ControlExchange}.{nodeId}";

    /// <summary>Cluster names and node ids: 1..64 of [A-Za-z0-9_-]; no dots, so names cannot collide across levels.</summary>
    /// <exception cref="ArgumentException">The name is empty, too long or has other characters.</exception>
    public static void ValidateName(string value, string what)
    {
        if (!IsValidName(value))
            throw new ArgumentException($"Invalid {what} '{value}': use 1 to 64 characters from A-Z, a-z, 0-9, '-' and '_'.", what);
    }

    /// <summary>Whether <paramref name="value"/> could name a cluster or a node (see <see cref="ValidateName"/>).</summary>
    public static bool IsValidName(string? value) => !string.IsNullOrEmpty(value) && NamePattern().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();
}
