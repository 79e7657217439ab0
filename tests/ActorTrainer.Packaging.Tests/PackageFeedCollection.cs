namespace ActorTrainer.Packaging.Tests;

/// <summary>Tests that share one <see cref="PackageFeed"/>; they run one after another (each restores and builds).</summary>
[CollectionDefinition(Name)]
public sealed class PackageFeedCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "package feed";
}
