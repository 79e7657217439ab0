using ActorTrainer.Training.External;

namespace ActorTrainer.Training.Control;

/// <summary>The external episodes as status shows them.</summary>
/// <param name="GateAgreementRate">Share of proposed actions the action gate allowed; null without a gate or before the first act.</param>
/// <param name="ExperiencePerSecond">Transitions per second sent to the replay, over the last half second.</param>
/// <param name="Gate">Whether the run has an action gate (the dashboard shows the agreement rate only then).</param>
public sealed record ExternalStatus(int OpenEpisodes, long Steps, long Acts, long PendingSteps, long DroppedSteps, double? GateAgreementRate,
    long GateChecks, double ExperiencePerSecond, bool Gate = false)
{
    public static ExternalStatus From(ExternalStats s) =>
        new(s.Counters.OpenEpisodes, s.Counters.Steps, s.Counters.Acts, s.Counters.PendingSteps, s.Counters.DroppedSteps,
            s.Counters.GateAgreementRate, s.Counters.GateChecks, Math.Round(s.ExperiencePerSecond, 1), s.Counters.Gate);
}
