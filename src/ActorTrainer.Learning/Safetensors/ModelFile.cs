using System.Globalization;
using ActorTrainer.Learning.Networks;

namespace ActorTrainer.Learning.Safetensors;

/// <summary>
/// Q-networks as safetensors files PyTorch can open: tensors named and laid out as nn.Linear stores them
/// (layers.{i}.weight [out, in], layers.{i}.bias [out], then value.*/advantage.* or head.*). Loading infers
/// the architecture from names and shapes alone, so files written by PyTorch in this layout load too.
/// </summary>
public static class ModelFile
{
    public const string FormatName = "actortrainer-qnetwork";

    public static void Save(string path, QNetwork network, ModelMetadata? metadata = null) =>
        AtomicFile.WriteAllBytes(path, Serialize(network, metadata));

    /// <summary>The file's bytes (also what travels on the wire).</summary>
    public static byte[] Serialize(QNetwork network, ModelMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Serialize(network.Spec, network.Parameters.ToArray(), metadata);
    }

    /// <summary>
    /// A weights snapshot as safetensors bytes (how weights travel between nodes); the snapshot's version is
    /// written as <c>weights_version</c>, overriding any in <paramref name="metadata"/>.
    /// </summary>
    public static byte[] SerializeSnapshot(WeightsSnapshot snapshot, ModelMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var meta = (metadata ?? new ModelMetadata()) with { WeightsVersion = snapshot.Version };
        return Serialize(snapshot.Spec, snapshot.Parameters.ToArray(), meta);
    }

    /// <summary>Reads bytes written by <see cref="SerializeSnapshot"/> (or any model file) back into a snapshot; version 0 when the file has none.</summary>
    public static WeightsSnapshot DeserializeSnapshot(ReadOnlySpan<byte> bytes, string source = "buffer")
    {
        // Weights arrive many times a second on a runner node: no network (with its pinned buffers) is built for them,
        // and the parameters, assembled once, become the snapshot's own.
        var (spec, parameters, metadata, _) = Read(SafetensorsFile.Deserialize(bytes, source), source);
        return WeightsSnapshot.Owning(metadata.WeightsVersion ?? 0, spec, parameters);
    }

    private static byte[] Serialize(NetworkSpec spec, float[] p, ModelMetadata? metadata)
    {
        var tensors = spec.Tensors.Select(t => new SafetensorsTensor(t.Name, t.Shape.ToArray(), p.AsSpan(t.Offset, t.Length).ToArray())).ToList();
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatName,
            ["obs_size"] = spec.ObservationSize.ToString(CultureInfo.InvariantCulture),
            ["action_count"] = spec.ActionCount.ToString(CultureInfo.InvariantCulture),
            ["hidden_sizes"] = string.Join(',', spec.HiddenSizes.Select(h => h.ToString(CultureInfo.InvariantCulture))),
            ["dueling"] = spec.Dueling ? "true" : "false",
        };
        // Per-action files hold one MLP with a single output: only the metadata says how many action rows it scores.
        if (spec.IsPerAction) meta["action_features"] = spec.ActionFeatures.ToString(CultureInfo.InvariantCulture);
        if (metadata?.EnvironmentId is { } env) meta["env_id"] = env;
        if (!string.IsNullOrEmpty(metadata?.EnvironmentSettings)) meta["env_settings"] = metadata.EnvironmentSettings;
        if (metadata?.WeightsVersion is { } v) meta["weights_version"] = v.ToString(CultureInfo.InvariantCulture);
        if (metadata?.Score is { } s) meta["score"] = s.ToString("R", CultureInfo.InvariantCulture);
        return SafetensorsFile.Serialize(tensors, meta);
    }

    public static LoadedModel Load(string path) => FromContent(SafetensorsFile.Read(path), path);

    public static LoadedModel Deserialize(ReadOnlySpan<byte> bytes, string source = "buffer") =>
        FromContent(SafetensorsFile.Deserialize(bytes, source), source);

    /// <summary>Builds the network a set of tensors describes, rejecting anything that does not form one.</summary>
    public static LoadedModel FromContent(SafetensorsContent content, string source)
    {
        var (spec, parameters, metadata, meta) = Read(content, source);
        var network = new QNetwork(spec);
        parameters.CopyTo(network.Parameters);
        return new LoadedModel(network, metadata, meta);
    }

    // The architecture the tensors describe, their values in the network's parameter layout, and the metadata.
    private static (NetworkSpec Spec, float[] Parameters, ModelMetadata Metadata, IReadOnlyDictionary<string, string> Meta) Read(SafetensorsContent content, string source)
    {
        ArgumentNullException.ThrowIfNull(content);
        var byName = content.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);

        SafetensorsTensor Require(string name, string why)
        {
            if (!byName.TryGetValue(name, out var t))
                throw Fail(source, $"missing tensor '{name}' ({why})");
            used.Add(name);
            return t;
        }

        void ExpectShape(SafetensorsTensor t, params int[] expected)
        {
            if (!t.Shape.SequenceEqual(expected))
                throw Fail(source, $"tensor '{t.Name}' has shape {t.ShapeText}; expected [{string.Join(", ", expected)}]");
        }

        if (!byName.ContainsKey("layers.0.weight"))
            throw Fail(source, "has no tensor 'layers.0.weight'; a Q-network file names its hidden layers layers.{i}.weight/bias (PyTorch nn.Linear layout)");
        var hidden = new List<int>();
        var obsSize = 0;
        var inSize = 0;
        for (var i = 0; byName.ContainsKey($"layers.{i}.weight"); i++)
        {
            var w = Require($"layers.{i}.weight", "hidden layer weight");
            if (w.Shape.Count != 2 || w.Shape[0] < 1 || w.Shape[1] < 1)
                throw Fail(source, $"tensor '{w.Name}' has shape {w.ShapeText}; expected a 2-D [out, in] weight");
            if (i == 0)
            {
                obsSize = w.Shape[1];
            }
            else if (w.Shape[1] != inSize)
            {
                throw Fail(source, $"tensor '{w.Name}' has shape {w.ShapeText}; expected [{w.Shape[0]}, {inSize}] because layers.{i - 1} has {inSize} outputs");
            }
            ExpectShape(Require($"layers.{i}.bias", $"bias of layers.{i}"), w.Shape[0]);
            hidden.Add(w.Shape[0]);
            inSize = w.Shape[0];
        }

        bool dueling;
        int actions;
        if (byName.ContainsKey("value.weight") || byName.ContainsKey("advantage.weight"))
        {
            dueling = true;
            ExpectShape(Require("value.weight", "dueling value head"), 1, inSize);
            ExpectShape(Require("value.bias", "dueling value head"), 1);
            var adv = Require("advantage.weight", "dueling advantage head");
            if (adv.Shape.Count != 2 || adv.Shape[0] < 1 || adv.Shape[1] != inSize)
                throw Fail(source, $"tensor 'advantage.weight' has shape {adv.ShapeText}; expected [actions, {inSize}]");
            actions = adv.Shape[0];
            ExpectShape(Require("advantage.bias", "dueling advantage head"), actions);
        }
        else
        {
            dueling = false;
            var head = Require("head.weight", "the output layer: head.weight/head.bias, or value.*/advantage.* for a dueling head");
            if (head.Shape.Count != 2 || head.Shape[0] < 1 || head.Shape[1] != inSize)
                throw Fail(source, $"tensor 'head.weight' has shape {head.ShapeText}; expected [actions, {inSize}]");
            actions = head.Shape[0];
            ExpectShape(Require("head.bias", "bias of the output layer"), actions);
        }

        var extra = byName.Keys.Where(n => !used.Contains(n)).Order(StringComparer.Ordinal).ToList();
        if (extra.Count > 0)
            throw Fail(source, $"has unexpected tensor '{extra[0]}'; a Q-network file holds only layers.{{i}}.weight/bias and value.*/advantage.* or head.*");

        var meta = content.Metadata;
        var actionFeatures = ParseOptional(source, meta, "action_features", s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)) ?? 0;
        if (actionFeatures < 0)
            throw Fail(source, $"metadata 'action_features' is {actionFeatures}; expected 0 or more");
        if (actionFeatures > 0)
        {
            // A per-action MLP reads one action's features and gives one value; the action count is in the metadata.
            if (dueling || actions != 1)
                throw Fail(source, $"metadata says action_features = {actionFeatures} (a per-action network), so the head must be head.weight [1, {inSize}], got {(dueling ? "a dueling head" : $"{actions} rows")}");
            if (obsSize != actionFeatures)
                throw Fail(source, $"metadata says action_features = {actionFeatures} but layers.0.weight reads {obsSize} inputs");
            actions = ParseOptional(source, meta, "action_count", s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture))
                ?? throw Fail(source, "a per-action network (metadata action_features) needs metadata 'action_count'");
            if (actions < 1 || (long)actions * actionFeatures > int.MaxValue)
                throw Fail(source, $"metadata 'action_count' is {actions}; expected at least 1 and at most {int.MaxValue / actionFeatures} rows of {actionFeatures} features");
            obsSize = actions * actionFeatures;
        }

        var spec = new NetworkSpec(obsSize, actions, hidden, dueling, actionFeatures);
        CheckMetadata(source, meta, "obs_size", obsSize.ToString(CultureInfo.InvariantCulture),
            actionFeatures > 0 ? "action_count × action_features" : "layers.0.weight's input size");
        CheckMetadata(source, meta, "action_count", actions.ToString(CultureInfo.InvariantCulture), dueling ? "advantage.weight's rows" : "head.weight's rows");
        CheckMetadata(source, meta, "hidden_sizes", string.Join(',', hidden), "the layers.{i}.weight shapes");
        CheckMetadata(source, meta, "dueling", dueling ? "true" : "false", "the head tensors present");

        var p = new float[spec.ParameterCount];
        foreach (var slot in spec.Tensors)
        {
            var t = byName[slot.Name];
            for (var i = 0; i < t.Data.Length; i++)
            {
                if (!float.IsFinite(t.Data[i]))
                    throw Fail(source, $"tensor '{t.Name}' element {i} is {t.Data[i]}; weights must be finite");
            }
            t.Data.CopyTo(p.AsSpan(slot.Offset, slot.Length));
        }

        var metadata = new ModelMetadata(
            meta.GetValueOrDefault("env_id"),
            ParseOptional(source, meta, "weights_version", s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)),
            ParseOptional(source, meta, "score", s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)),
            meta.GetValueOrDefault("env_settings"));
        return (spec, p, metadata, meta);
    }

    private static void CheckMetadata(string source, IReadOnlyDictionary<string, string> meta, string key, string actual, string from)
    {
        if (meta.TryGetValue(key, out var stated) && !string.Equals(stated.Replace(" ", ""), actual, StringComparison.OrdinalIgnoreCase))
            throw Fail(source, $"metadata says {key} = '{stated}' but {from} give '{actual}'");
    }

    private static T? ParseOptional<T>(string source, IReadOnlyDictionary<string, string> meta, string key, Func<string, T> parse) where T : struct
    {
        if (!meta.TryGetValue(key, out var s)) return null;
        try
        {
            return parse(s);
        }
        catch (FormatException)
        {
            throw Fail(source, $"metadata '{key}' is '{s}'; expected a number");
        }
        catch (OverflowException)
        {
            throw Fail(source, $"metadata '{key}' is '{s}'; the number is out of range");
        }
    }

    private static SafetensorsFormatException Fail(string source, string what) => new($"{source}: {what}");
}
