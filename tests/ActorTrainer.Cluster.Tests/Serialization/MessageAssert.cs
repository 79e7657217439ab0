using ActorTrainer.Training.Configuration;
using Akka.Actor;
using ActorTrainer.Training.Pool;
using ActorTrainer.Cluster.Membership;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cluster.Tests.Serialization;

/// <summary>Field-by-field equality for messages whose records hold arrays or classes (record equality compares references there).</summary>
internal static class MessageAssert
{
    public static void Same(object expected, object actual)
    {
        Assert.IsType(expected.GetType(), actual);
        switch (expected)
        {
            case ExperienceBatch e:
                var a = (ExperienceBatch)actual;
                Assert.Equal((e.RunnerId, e.WeightsVersion, e.Count, e.ObservationSize, e.FirstObservation, e.ObservationCount),
                    (a.RunnerId, a.WeightsVersion, a.Count, a.ObservationSize, a.FirstObservation, a.ObservationCount));
                Assert.Equal(e.From, a.From);
                Assert.Equal(e.To, a.To);
                Assert.Equal(e.Observations, a.Observations);
                Assert.Equal(e.Actions, a.Actions);
                Assert.Equal(e.Returns, a.Returns);
                Assert.Equal(e.Discounts, a.Discounts);
                Assert.Equal(e.Priorities, a.Priorities);
                break;
            case WeightsUpdated w:
                var b = (WeightsUpdated)actual;
                Assert.Equal(w.Version, b.Version);
                Assert.Equal(w.Snapshot.Version, b.Snapshot.Version);
                Assert.Equal(w.Snapshot.Spec, b.Snapshot.Spec);
                Assert.Equal(w.Snapshot.Parameters.ToArray(), b.Snapshot.Parameters.ToArray());
                break;
            case WeightsChunk c:
                var d = (WeightsChunk)actual;
                Assert.Equal((c.Version, c.Index, c.Count, c.TotalBytes), (d.Version, d.Index, d.Count, d.TotalBytes));
                Assert.Equal(c.Data.ToArray(), d.Data.ToArray());
                break;
            case FrameRendered f:
                var g = (FrameRendered)actual;
                Assert.Equal((f.RunnerId, f.Step), (g.RunnerId, g.Step));
                Assert.Equal((f.Frame.Scene, f.Frame.Kind, f.Frame.Width, f.Frame.Height), (g.Frame.Scene, g.Frame.Kind, g.Frame.Width, g.Frame.Height));
                Assert.Equal(f.Frame.Cells, g.Frame.Cells);
                Assert.Equal(f.Frame.Names, g.Frame.Names);
                Assert.Equal(f.Frame.Values, g.Frame.Values);
                break;
            case Pause or Resume:
                break;
            case EpisodesFinished list:
                // Arrays of records: element by element, in order.
                Assert.Equal(list.Episodes, ((EpisodesFinished)actual).Episodes);
                break;
            case PoolJoined j:
                var k = (PoolJoined)actual;
                Assert.Equal((j.FirstRunnerId, j.RunnerCount, j.LadderSize, j.State), (k.FirstRunnerId, k.RunnerCount, k.LadderSize, k.State));
                // Nobody has no path of its own and comes back as dead letters; a live replay is checked in SerializerRoundTripTests.
                if (!j.Replay.IsNobody()) Assert.Equal(j.Replay, k.Replay);
                Assert.Equal(TrainingConfigJson.Serialize(j.Config), TrainingConfigJson.Serialize(k.Config));
                break;
            case ExperienceAck or EpisodeFinished or RunnerStats or RunnerStarted or RunnerStopped or WatchFrames or Stop or JoinPool or WeightsReceived or LadderPlace:
                // Records of scalars and strings: value equality is exact.
                Assert.Equal(expected, actual);
                break;
            default:
                throw new InvalidOperationException($"MessageAssert does not know {expected.GetType().Name}; add it");
        }
    }
}
