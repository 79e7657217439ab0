using System.Globalization;
using ActorTrainer.Learning.Optimization;

namespace ActorTrainer.Learning.Safetensors;

/// <summary>
/// Adam's state beside a model file (same safetensors format): tensors <c>exp_avg</c> and <c>exp_avg_sq</c>
/// (PyTorch's names for m and v) over the flat parameter vector, the step count and hyper-parameters in metadata.
/// Restoring it with the weights resumes training exactly.
/// </summary>
public static class OptimizerStateFile
{
    public static void Save(string path, AdamOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var n = optimizer.ParameterCount;
        var tensors = new[]
        {
            new SafetensorsTensor("exp_avg", [n], optimizer.FirstMoment.ToArray()),
            new SafetensorsTensor("exp_avg_sq", [n], optimizer.SecondMoment.ToArray()),
        };
        var inv = CultureInfo.InvariantCulture;
        var o = optimizer.Options;
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = "actortrainer-adam",
            ["step"] = optimizer.StepCount.ToString(inv),
            ["lr"] = optimizer.LearningRate.ToString("R", inv),
            ["beta1"] = o.Beta1.ToString("R", inv),
            ["beta2"] = o.Beta2.ToString("R", inv),
            ["eps"] = o.Epsilon.ToString("R", inv),
            ["weight_decay"] = o.WeightDecay.ToString("R", inv),
        };
        SafetensorsFile.Write(path, tensors, meta);
    }

    /// <summary>Loads moments, step count and learning rate into <paramref name="optimizer"/> (which must have the same parameter count).</summary>
    public static void Load(string path, AdamOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var content = SafetensorsFile.Read(path);
        var n = optimizer.ParameterCount;
        float[] Moment(string name)
        {
            var t = content.Find(name) ?? throw new SafetensorsFormatException($"{path}: missing tensor '{name}'; expected [{n}]");
            if (t.Shape.Count != 1 || t.Shape[0] != n)
                throw new SafetensorsFormatException($"{path}: tensor '{name}' has shape {t.ShapeText}; expected [{n}] (the network's parameter count)");
            for (var i = 0; i < t.Data.Length; i++)
            {
                if (!float.IsFinite(t.Data[i]))
                    throw new SafetensorsFormatException($"{path}: tensor '{name}' element {i} is {t.Data[i]}; optimizer state must be finite");
            }
            return t.Data;
        }
        var m = Moment("exp_avg");
        var v = Moment("exp_avg_sq");
        if (!content.Metadata.TryGetValue("step", out var stepText) || !long.TryParse(stepText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var step) || step < 0)
            throw new SafetensorsFormatException($"{path}: metadata 'step' is missing or not a whole number ≥ 0");
        optimizer.RestoreState(step, m, v);
        if (content.Metadata.TryGetValue("lr", out var lrText) && float.TryParse(lrText, NumberStyles.Float, CultureInfo.InvariantCulture, out var lr) && lr > 0f)
            optimizer.LearningRate = lr;
    }
}
