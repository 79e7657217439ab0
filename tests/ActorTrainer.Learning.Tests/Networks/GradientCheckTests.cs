using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Learning.Tests.Networks;

/// <summary>
/// Backward against central finite differences of the double-precision reference, for the scalar
/// L = Σ c[b,a]·Q[b,a] with random c (so dL/dQ = c exercises every output of every layer and the head).
/// </summary>
public class GradientCheckTests
{
    /// <summary>obs, actions, hidden, dueling, batch, features per action (0: a whole-observation network).</summary>
    public static TheoryData<int, int, int[], bool, int, int> Shapes => new()
    {
        { 5, 3, new[] { 20, 17 }, true, 7, 0 },     // dueling head, narrow layers, tail columns
        { 6, 4, new[] { 33 }, false, 37, 0 },       // plain head, in ≥ 16 transpose path for the head input
        { 4, 2, new[] { 64, 64 }, true, 70, 0 },    // the 4×64 kernel tiles and the 16-wide tail panel
        { 18, 2, new[] { 16, 24 }, true, 3, 0 },    // first layer wide enough for the transposed dW path
        { 760, 40, new[] { 64, 64 }, false, 9, 19 }, // Tetris placements: 360 action rows, a padded tail
        { 15, 3, new[] { 20, 17 }, false, 7, 5 },   // per action: 21 rows through narrow layers
        { 126, 7, new[] { 33 }, false, 1, 18 },     // per action, one observation; 18 features take the transposed dW path
        { 4, 2, new[] { 256, 32 }, true, 45, 0 },   // 256-wide layer input (packed B panels in dW), 45 rows: a K tail
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_matches_finite_differences(int obs, int actions, int[] hidden, bool dueling, int batch, int actionFeatures)
    {
        var spec = new NetworkSpec(obs, actions, hidden, dueling, actionFeatures);
        var net = QNetwork.Create(spec, seed: 5);
        var x = QNetworkTests.RandomObs(batch * obs, 9);
        var rng = new Random(17);
        var c = Enumerable.Range(0, batch * actions).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

        var ws = new QNetworkWorkspace(spec, batch);
        var q = new float[batch * actions];
        net.ForwardBatch(x, batch, ws, q);
        net.Backward(c, batch, ws);
        var analytic = ws.Gradients.ToArray();

        var p = net.Parameters.ToArray().Select(v => (double)v).ToArray();
        double Loss(double[] theta)
        {
            var qq = ReferenceNetwork.Forward(spec, theta, x, batch);
            double s = 0;
            for (var i = 0; i < qq.Length; i++) s += c[i] * qq[i];
            return s;
        }

        // Every parameter for small nets; a fixed random sample of 400 (plus every bias of the head) for the larger one.
        var indices = p.Length <= 2000
            ? Enumerable.Range(0, p.Length).ToArray()
            : Enumerable.Range(0, 400).Select(_ => rng.Next(p.Length)).Concat(Enumerable.Range(p.Length - actions - 1, actions + 1)).ToArray();
        var nonZero = FiniteDifferences.AssertMatches(p, analytic, Loss, indices, 2e-3, 1e-3, i => $"{i} ({Name(spec, i)})");
        Assert.True(nonZero > indices.Length / 4, $"only {nonZero} of {indices.Length} gradients are non-zero");
    }

    [Fact]
    public void Backward_gradient_of_the_first_layer_is_not_all_zero()
    {
        // Guards the gradient check above from passing vacuously on a dead network.
        var spec = new NetworkSpec(4, 2, [32, 32], true);
        var net = QNetwork.Create(spec, 1);
        var ws = new QNetworkWorkspace(spec, 16);
        var x = QNetworkTests.RandomObs(16 * 4, 2);
        net.ForwardBatch(x, 16, ws, new float[32]);
        net.Backward(Enumerable.Repeat(1f, 32).ToArray().Select((v, i) => i % 2 == 0 ? v : -v).ToArray(), 16, ws);
        Assert.True(ws.Gradients[..(32 * 4)].ToArray().Count(v => v != 0) > 64);
    }

    private static string Name(NetworkSpec spec, int index) =>
        spec.Tensors.First(t => index >= t.Offset && index < t.Offset + t.Length) is var t ? $"{t.Name}[{index - t.Offset}]" : "?";
}
