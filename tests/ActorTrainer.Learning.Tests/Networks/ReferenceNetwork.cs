using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Learning.Tests.Networks;

/// <summary>A plain double-precision forward pass written from the definition, as the oracle for the fast kernels.</summary>
internal static class ReferenceNetwork
{
    public static double[] Forward(NetworkSpec spec, ReadOnlySpan<double> p, ReadOnlySpan<float> obs, int batch)
    {
        if (spec.IsPerAction) return ForwardPerAction(spec, p, obs, batch);
        var t = spec.Tensors;
        var actions = spec.ActionCount;
        var q = new double[batch * actions];
        for (var b = 0; b < batch; b++)
        {
            var x = new double[spec.ObservationSize];
            for (var i = 0; i < x.Length; i++) x[i] = obs[b * spec.ObservationSize + i];
            var ti = 0;
            foreach (var h in spec.HiddenSizes)
            {
                x = Dense(p, t[ti], t[ti + 1], x, relu: true);
                ti += 2;
            }
            if (spec.Dueling)
            {
                var v = Dense(p, t[ti], t[ti + 1], x, relu: false)[0];
                var adv = Dense(p, t[ti + 2], t[ti + 3], x, relu: false);
                var mean = adv.Average();
                for (var a = 0; a < actions; a++) q[b * actions + a] = v + adv[a] - mean;
            }
            else
            {
                var o = Dense(p, t[ti], t[ti + 1], x, relu: false);
                for (var a = 0; a < actions; a++) q[b * actions + a] = o[a];
            }
        }
        return q;
    }

    /// <summary>Q(s, a) = MLP(row a of s), one MLP for every action, by the definition of a per-action network.</summary>
    private static double[] ForwardPerAction(NetworkSpec spec, ReadOnlySpan<double> p, ReadOnlySpan<float> obs, int batch)
    {
        var t = spec.Tensors;
        var actions = spec.ActionCount;
        var f = spec.ActionFeatures;
        var q = new double[batch * actions];
        for (var b = 0; b < batch; b++)
        {
            for (var a = 0; a < actions; a++)
            {
                var x = new double[f];
                for (var i = 0; i < f; i++) x[i] = obs[b * spec.ObservationSize + a * f + i];
                var ti = 0;
                foreach (var h in spec.HiddenSizes)
                {
                    x = Dense(p, t[ti], t[ti + 1], x, relu: true);
                    ti += 2;
                }
                q[b * actions + a] = Dense(p, t[ti], t[ti + 1], x, relu: false)[0];
            }
        }
        return q;
    }

    private static double[] Dense(ReadOnlySpan<double> p, TensorSlice w, TensorSlice bias, double[] x, bool relu)
    {
        var outSize = w.Shape[0];
        var inSize = w.Shape[1];
        var y = new double[outSize];
        for (var o = 0; o < outSize; o++)
        {
            var s = p[bias.Offset + o];
            for (var i = 0; i < inSize; i++) s += p[w.Offset + o * inSize + i] * x[i];
            y[o] = relu ? Math.Max(0, s) : s;
        }
        return y;
    }
}
