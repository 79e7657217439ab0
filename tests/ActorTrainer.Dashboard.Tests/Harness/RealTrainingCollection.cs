namespace ActorTrainer.Dashboard.Tests.Harness;

/// <summary>
/// Every test that runs a real training is in this collection, so they run one after another: two trainings at
/// once on a 2-core machine would only make each slower.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RealTrainingCollection : ICollectionFixture<SharedTraining>
{
    public const string Name = "real training";
}
