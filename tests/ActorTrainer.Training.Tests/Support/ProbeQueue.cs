using Akka.TestKit;

namespace ActorTrainer.Training.Tests.Support;

internal static class ProbeQueue
{
    /// <summary>
    /// Drains what already sits in <paramref name="probe"/>'s queue and fails on a <typeparamref name="T"/>. Only
    /// meaningful after a barrier (an answer that the actor under test sent after the point in question).
    /// </summary>
    public static void AssertNoQueued<T>(this TestProbe probe, string why)
    {
        while (probe.HasMessages)
        {
            var m = probe.ReceiveOne(TimeSpan.Zero);
            if (m is T) throw new Xunit.Sdk.XunitException($"{why}: got {m}");
        }
    }
}
