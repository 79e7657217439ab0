using ActorTrainer.Training.External;

namespace ActorTrainer.Training.Tests.External;

public sealed class EndedEpisodeIdsTests
{
    [Fact]
    public void Remembers_the_latest_ids_up_to_its_capacity_oldest_forgotten_first()
    {
        var ids = new EndedEpisodeIds(2);
        ids.Add("a", expired: false);
        ids.Add("b", expired: true);
        ids.Add("c", expired: false);
        Assert.False(ids.TryGet("a", out _));
        Assert.True(ids.TryGet("b", out var expired));
        Assert.True(expired);
        Assert.True(ids.TryGet("c", out expired));
        Assert.False(expired);
    }

    [Fact]
    public void A_capacity_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EndedEpisodeIds(0));
}
