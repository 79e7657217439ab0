using ActorTrainer.Cluster.Wire;
using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Safetensors;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runners;

namespace ActorTrainer.Cluster.Protocol;

/// <summary>
/// Payload layouts of every cluster message (little-endian, after the frame header). Encoders write into a reusable
/// <see cref="FrameBuffer"/>; decoders read with <see cref="WireReader"/>, check every count against <see cref="CodecLimits"/>
/// and every enum and float, and throw <see cref="MalformedFrameException"/> for anything else, so the transport drops,
/// counts and logs the frame with its sender.
/// </summary>
public static class ClusterCodec
{
    private const int MaxIdBytes = FrameHeader.MaxSenderBytes;
    private const int MaxReasonBytes = 1024;

    // ---------------------------------------------------------------- experience

    /// <summary>
    /// runner i32, version i64, count i32, obsSize i32, first observation i64, observation count i32,
    /// obs f32[observations*obsSize], from and to (each observation offsets from the first, i32[count]), actions
    /// (i32 count + i32[]), returns, discounts, priorities f32[count]. Each observation travels once.
    /// </summary>
    public static ReadOnlyMemory<byte> Encode(FrameBuffer buffer, ExperienceBatch batch)
    {
        var w = buffer.Begin(ClusterMessageType.ExperienceBatch);
        w.WriteInt32(batch.RunnerId);
        w.WriteInt64(batch.WeightsVersion);
        w.WriteInt32(batch.Count);
        w.WriteInt32(batch.ObservationSize);
        w.WriteInt64(batch.FirstObservation);
        w.WriteInt32(batch.ObservationCount);
        int n = batch.Count;
        w.WriteRaw(batch.Observations.AsSpan(0, batch.ObservationCount * batch.ObservationSize));
        for (int i = 0; i < n; i++) w.WriteInt32(checked((int)(batch.From[i] - batch.FirstObservation)));
        for (int i = 0; i < n; i++) w.WriteInt32(checked((int)(batch.To[i] - batch.FirstObservation)));
        w.WriteInt32s(batch.Actions.AsSpan(0, n));
        w.WriteRaw(batch.Returns.AsSpan(0, n));
        w.WriteRaw(batch.Discounts.AsSpan(0, n));
        w.WriteRaw(batch.Priorities.AsSpan(0, n));
        return buffer.Complete();
    }

    public static ExperienceBatch DecodeExperience(in ReceivedFrame frame, CodecLimits limits)
    {
        Expect(frame, ClusterMessageType.ExperienceBatch);
        var r = frame.Reader();
        int runner = ReadNonNegative(ref r, "runner id");
        long version = r.ReadInt64();
        int count = r.ReadInt32();
        int obsSize = r.ReadInt32();
        long first = r.ReadInt64();
        int observationCount = r.ReadInt32();
        if (count < 0 || count > limits.MaxBatchTransitions)
            throw new MalformedFrameException($"experience count {count}; allowed 0..{limits.MaxBatchTransitions}");
        // A batch also carries the final observation of each episode that ended in it: up to twice its transitions.
        if (observationCount < 1 || observationCount > 2 * limits.MaxBatchTransitions)
            throw new MalformedFrameException($"experience observation count {observationCount}; allowed 1..{2 * limits.MaxBatchTransitions}");
        if (obsSize < 1 || obsSize > limits.MaxObservationSize)
            throw new MalformedFrameException($"observation size {obsSize}; allowed 1..{limits.MaxObservationSize}");
        if (first < 0)
            throw new MalformedFrameException($"experience first observation {first}; it must be >= 0");
        long floats = (long)observationCount * obsSize;
        // Check the total before allocating: the arrays are sized from the header, which a forger controls.
        long needed = floats * 4 + 4 + count * 24L; // observations, the action count, six per-transition arrays
        if (needed > r.Remaining)
            throw new MalformedFrameException($"experience of {observationCount} x {obsSize} observations and {count} transitions needs {needed} more bytes, payload has {r.Remaining}");
        var observations = new float[floats];
        var from = new long[count];
        var to = new long[count];
        var actions = new int[count];
        var returns = new float[count];
        var discounts = new float[count];
        var priorities = new float[count];
        r.ReadRaw(observations);
        for (int i = 0; i < count; i++) from[i] = first + r.ReadInt32();
        for (int i = 0; i < count; i++) to[i] = first + r.ReadInt32();
        if (r.ReadInt32s(actions) != count) throw new MalformedFrameException($"actions count differs from the batch count {count}");
        r.ReadRaw(returns);
        r.ReadRaw(discounts);
        r.ReadRaw(priorities);
        r.EnsureEnd();
        for (int i = 0; i < count; i++)
        {
            if (!float.IsFinite(returns[i]) || !float.IsFinite(priorities[i]) || priorities[i] < 0 || !(discounts[i] >= 0 && discounts[i] <= 1))
                throw new MalformedFrameException($"transition {i} has a non-finite return, a negative or non-finite priority or a discount outside 0..1");
            if (from[i] < 0 || to[i] <= from[i] || to[i] >= first + observationCount)
                throw new MalformedFrameException($"transition {i} goes from observation {from[i]} to {to[i]}; expected 0 <= from < to < {first + observationCount}");
        }
        return new ExperienceBatch(runner, version, count, obsSize, first, observationCount, observations, from, to, actions, returns, discounts, priorities);
    }

    // ---------------------------------------------------------------- weights

    /// <summary>learner incarnation string, version i64, then the snapshot as safetensors bytes (i32 length + bytes), the same format as model files.</summary>
    public static ReadOnlyMemory<byte> Encode(FrameBuffer buffer, RemoteWeights remote)
    {
        var weights = remote.Weights;
        var bytes = ModelFile.SerializeSnapshot(weights.Snapshot);
        var w = buffer.Begin(ClusterMessageType.WeightsUpdated);
        w.WriteString(remote.LearnerIncarnation, MaxIdBytes);
        w.WriteInt64(weights.Version);
        w.WriteBytes(bytes);
        return buffer.Complete();
    }

    /// <param name="expected">The run's network; a snapshot of any other shape is rejected.</param>
    public static RemoteWeights DecodeWeights(in ReceivedFrame frame, NetworkSpec? expected, CodecLimits limits)
    {
        Expect(frame, ClusterMessageType.WeightsUpdated);
        var r = frame.Reader();
        var incarnation = r.ReadString(MaxIdBytes);
        long version = r.ReadInt64();
        if (version < 0) throw new MalformedFrameException($"weights version {version}; must not be negative");
        var bytes = r.ReadBytes(limits.MaxWeightsBytes);
        r.EnsureEnd();
        WeightsSnapshot snapshot;
        try
        {
            snapshot = ModelFile.DeserializeSnapshot(bytes, $"weights from {frame.SenderNodeId}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new MalformedFrameException($"weights are not a valid safetensors model: {e.Message}", e);
        }
        if (snapshot.Version != version)
            throw new MalformedFrameException($"frame says weights version {version}, the safetensors metadata says {snapshot.Version}");
        if (expected is not null && !SameShape(snapshot.Spec, expected))
            throw new MalformedFrameException($"weights of network {snapshot.Spec}; this run uses {expected}");
        foreach (var p in snapshot.Parameters.Span)
            if (!float.IsFinite(p)) throw new MalformedFrameException("weights contain NaN or infinity");
        return new RemoteWeights(incarnation, new WeightsUpdated(version, snapshot));
    }

    private static bool SameShape(NetworkSpec a, NetworkSpec b) =>
        a.ObservationSize == b.ObservationSize && a.ActionCount == b.ActionCount && a.Dueling == b.Dueling && a.HiddenSizes.SequenceEqual(b.HiddenSizes);

    // ---------------------------------------------------------------- control and membership

    /// <summary>command u8, learner incarnation string, reason string.</summary>
    public static ReadOnlyMemory<byte> Encode(FrameBuffer buffer, ClusterControl control)
    {
        var w = buffer.Begin(ClusterMessageType.Control);
        w.WriteByte((byte)control.Command);
        w.WriteString(control.LearnerIncarnation, MaxIdBytes);
        w.WriteString(Truncate(control.Reason, MaxReasonBytes / 4), MaxReasonBytes);
        return buffer.Complete();
    }

    public static ClusterControl DecodeControl(in ReceivedFrame frame)
    {
        Expect(frame, ClusterMessageType.Control);
        var r = frame.Reader();
        byte command = r.ReadByte();
        if (command is < (byte)ControlCommand.Pause or > (byte)ControlCommand.Stop)
            throw new MalformedFrameException($"control command {command}; allowed 1 (pause), 2 (resume), 3 (stop)");
        var incarnation = r.ReadString(MaxIdBytes);
        var reason = r.ReadString(MaxReasonBytes);
        r.EnsureEnd();
        return new ClusterControl((ControlCommand)command, incarnation, reason);
    }

    /// <summary>The most batches one credit may return: far above any real backlog, low enough that a forged credit cannot overflow a node's account.</summary>
    public const int MaxCreditBatches = 1_000_000;

    /// <summary>node id, learner incarnation (strings), batches i32.</summary>
    public static ReadOnlyMemory<byte> Encode(FrameBuffer buffer, ExperienceCredit credit)
    {
        var w = buffer.Begin(ClusterMessageType.ExperienceCredit);
        w.WriteString(credit.NodeId, MaxIdBytes);
        w.WriteString(credit.LearnerIncarnation, MaxIdBytes);
        w.WriteInt32(credit.Batches);
        return buffer.Complete();
    }

    public static ExperienceCredit DecodeCredit(in ReceivedFrame frame)
    {
        Expect(frame, ClusterMessageType.ExperienceCredit);
        var r = frame.Reader();
        var node = r.ReadString(MaxIdBytes);
        var learner = r.ReadString(MaxIdBytes);
        int batches = r.ReadInt32();
        r.EnsureEnd();
        if (node.Length == 0) throw new MalformedFrameException("experience credit without a node id");
        if (batches < 1 || batches > MaxCreditBatches) throw new MalformedFrameException($"experience credit of {batches} batches; allowed 1..{MaxCreditBatches}");
        return new ExperienceCredit(node, learner, batches);
    }

    /// <summary>node id, node incarnation, learner incarnation (strings), first runner i32, runner count i32, ladder i32, running bool, config JSON string.</summary>
    public static ReadOnlyMemory<byte> Encode(FrameBuffer buffer, Welcome welcome)
    {
        var w = buffer.Begin(ClusterMessageType.Welcome);
        w.WriteString(welcome.NodeId, MaxIdBytes);
        w.WriteString(welcome.NodeIncarnation, MaxIdBytes);
        w.WriteString(welcome.LearnerIncarnation, MaxIdBytes);
        w.WriteInt32(welcome.FirstRunnerId);
        w.WriteInt32(welcome.RunnerCount);
        w.WriteInt32(welcome.LadderSize);
        w.WriteBoolean(welcome.Running);
        w.WriteString(welcome.ConfigJson, CodecLimits.Default.MaxConfigBytes);
        return buffer.Complete();
    }

    public static Welcome DecodeWelcome(in ReceivedFrame frame, CodecLimits limits)
    {
        Expect(frame, ClusterMessageType.Welcome);
        var r = frame.Reader();
        var node = r.ReadString(MaxIdBytes);
        var nodeIncarnation = r.ReadString(MaxIdBytes);
        var learner = r.ReadString(MaxIdBytes);
        int first = ReadNonNegative(ref r, "first runner id");
        int count = r.ReadInt32();
        int ladder = r.ReadInt32();
        bool running = r.ReadBoolean();
        var json = r.ReadString(limits.MaxConfigBytes);
        r.EnsureEnd();
        if (count < 0 || count > limits.MaxRunnersPerNode) throw new MalformedFrameException($"runner count {count}; allowed 0..{limits.MaxRunnersPerNode}");
        if (ladder < 1 || (long)first + count > ladder) throw new MalformedFrameException($"runner ids {first}..{first + count - 1} do not fit an epsilon ladder of {ladder}");
        return new Welcome(node, nodeIncarnation, learner, first, count, ladder, running, json);
    }

    /// <summary>kind u8, role u8, runners i32, incarnation string, welcomed-by string.</summary>
    public static ReadOnlyMemory<byte> Encode(FrameBuffer buffer, NodeHeartbeat heartbeat)
    {
        var w = buffer.Begin(ClusterMessageType.NodeHeartbeat);
        w.WriteByte((byte)heartbeat.Kind);
        w.WriteByte((byte)heartbeat.Role);
        w.WriteInt32(heartbeat.Runners);
        w.WriteString(heartbeat.Incarnation, MaxIdBytes);
        w.WriteString(heartbeat.WelcomedBy, MaxIdBytes);
        return buffer.Complete();
    }

    public static NodeHeartbeat DecodeHeartbeat(in ReceivedFrame frame, CodecLimits limits)
    {
        Expect(frame, ClusterMessageType.NodeHeartbeat);
        var r = frame.Reader();
        byte kind = r.ReadByte();
        byte role = r.ReadByte();
        int runners = r.ReadInt32();
        var incarnation = r.ReadString(MaxIdBytes);
        var welcomedBy = r.ReadString(MaxIdBytes);
        r.EnsureEnd();
        if (kind is < (byte)NodeAnnouncement.Hello or > (byte)NodeAnnouncement.Goodbye) throw new MalformedFrameException($"announcement kind {kind}; allowed 1..3");
        if (role is < (byte)NodeRole.Learner or > (byte)NodeRole.Runner) throw new MalformedFrameException($"node role {role}; allowed 1 (learner) or 2 (runner)");
        if (runners < 0 || runners > limits.MaxRunnersPerNode) throw new MalformedFrameException($"runner count {runners}; allowed 0..{limits.MaxRunnersPerNode}");
        if (incarnation.Length == 0) throw new MalformedFrameException("empty incarnation");
        return new NodeHeartbeat((NodeAnnouncement)kind, (NodeRole)role, runners, incarnation, welcomedBy);
    }

    // ---------------------------------------------------------------- runner telemetry

    /// <summary>runner i32, return f64, length i32, version i64, lines i32.</summary>
    public static ReadOnlyMemory<byte> Encode(FrameBuffer buffer, EpisodeFinished m)
    {
        var w = buffer.Begin(ClusterMessageType.EpisodeFinished);
        WriteEpisode(ref w, m);
        return buffer.Complete();
    }

    public static EpisodeFinished DecodeEpisode(in ReceivedFrame frame)
    {
        Expect(frame, ClusterMessageType.EpisodeFinished);
        var r = frame.Reader();
        var episode = ReadEpisode(ref r, "episode");
        r.EnsureEnd();
        return episode;
    }

    // The layout of one episode, shared by the single and the batched message.
    private const int EpisodeBytes = 28;

    private static void WriteEpisode(ref WireWriter w, EpisodeFinished m)
    {
        w.WriteInt32(m.RunnerId);
        w.WriteDouble(m.Return);
        w.WriteInt32(m.Length);
        w.WriteInt64(m.WeightsVersion);
        w.WriteInt32(m.Lines);
    }

    private static EpisodeFinished ReadEpisode(ref WireReader r, string which)
    {
        int runner = ReadNonNegative(ref r, "runner id");
        double ret = r.ReadDouble();
        int length = ReadNonNegative(ref r, "episode length");
        long version = r.ReadInt64();
        int lines = ReadNonNegative(ref r, "lines");
        if (!double.IsFinite(ret)) throw new MalformedFrameException($"{which} has a non-finite return");
        return new EpisodeFinished(runner, ret, length, version, lines);
    }

    /// <summary>count i32, then per episode: runner i32, return f64, length i32, version i64, lines i32.</summary>
    public static ReadOnlyMemory<byte> Encode(FrameBuffer buffer, EpisodeBatch batch)
    {
        var w = buffer.Begin(ClusterMessageType.EpisodeBatch);
        w.WriteInt32(batch.Episodes.Count);
        foreach (var m in batch.Episodes) WriteEpisode(ref w, m);
        return buffer.Complete();
    }

    public static EpisodeBatch DecodeEpisodes(in ReceivedFrame frame, CodecLimits limits)
    {
        Expect(frame, ClusterMessageType.EpisodeBatch);
        var r = frame.Reader();
        int count = r.ReadInt32();
        if (count < 1 || count > limits.MaxEpisodesPerBatch) throw new MalformedFrameException($"episode count {count}; allowed 1..{limits.MaxEpisodesPerBatch}");
        if ((long)count * EpisodeBytes != r.Remaining) throw new MalformedFrameException($"{count} episodes need {count * (long)EpisodeBytes} bytes, payload has {r.Remaining}");
        var episodes = new EpisodeFinished[count];
        for (int i = 0; i < count; i++) episodes[i] = ReadEpisode(ref r, $"episode {i}");
        r.EnsureEnd();
        return new EpisodeBatch(episodes);
    }

    /// <summary>runner i32, env steps i64, episodes i64, version i64.</summary>
    public static ReadOnlyMemory<byte> Encode(FrameBuffer buffer, RunnerStats m)
    {
        var w = buffer.Begin(ClusterMessageType.RunnerStats);
        w.WriteInt32(m.RunnerId);
        w.WriteInt64(m.EnvSteps);
        w.WriteInt64(m.Episodes);
        w.WriteInt64(m.WeightsVersion);
        return buffer.Complete();
    }

    public static RunnerStats DecodeRunnerStats(in ReceivedFrame frame)
    {
        Expect(frame, ClusterMessageType.RunnerStats);
        var r = frame.Reader();
        int runner = ReadNonNegative(ref r, "runner id");
        long steps = r.ReadInt64();
        long episodes = r.ReadInt64();
        long version = r.ReadInt64();
        r.EnsureEnd();
        if (steps < 0 || episodes < 0) throw new MalformedFrameException($"negative counters (steps {steps}, episodes {episodes})");
        return new RunnerStats(runner, steps, episodes, version);
    }

    /// <summary>runner i32, env steps i64.</summary>
    public static ReadOnlyMemory<byte> Encode(FrameBuffer buffer, RunnerStopped m)
    {
        var w = buffer.Begin(ClusterMessageType.RunnerStopped);
        w.WriteInt32(m.RunnerId);
        w.WriteInt64(m.EnvSteps);
        return buffer.Complete();
    }

    public static RunnerStopped DecodeRunnerStopped(in ReceivedFrame frame)
    {
        Expect(frame, ClusterMessageType.RunnerStopped);
        var r = frame.Reader();
        int runner = ReadNonNegative(ref r, "runner id");
        long steps = r.ReadInt64();
        r.EnsureEnd();
        if (steps < 0) throw new MalformedFrameException($"negative env steps {steps}");
        return new RunnerStopped(runner, steps);
    }

    // ---------------------------------------------------------------- visual mode

    // The dashboard's own bounds (VisualFrame): a frame beyond them could not be shown, so it is not accepted either.
    private const int MaxFrameValues = 64;
    private const int MaxFrameSide = 255;
    private const int MaxSceneBytes = 64;
    private const int MaxValueNameBytes = 64;

    /// <summary>node id, node incarnation, learner incarnation (strings), runner i32, on bool, fps f64.</summary>
    public static ReadOnlyMemory<byte> Encode(FrameBuffer buffer, WatchRemoteRunner m)
    {
        var w = buffer.Begin(ClusterMessageType.WatchRemoteRunner);
        w.WriteString(m.NodeId, MaxIdBytes);
        w.WriteString(m.NodeIncarnation, MaxIdBytes);
        w.WriteString(m.LearnerIncarnation, MaxIdBytes);
        w.WriteInt32(m.RunnerId);
        w.WriteBoolean(m.On);
        w.WriteDouble(m.Fps);
        return buffer.Complete();
    }

    public static WatchRemoteRunner DecodeWatch(in ReceivedFrame frame)
    {
        Expect(frame, ClusterMessageType.WatchRemoteRunner);
        var r = frame.Reader();
        var node = r.ReadString(MaxIdBytes);
        var nodeIncarnation = r.ReadString(MaxIdBytes);
        var learner = r.ReadString(MaxIdBytes);
        int runner = ReadNonNegative(ref r, "runner id");
        bool on = r.ReadBoolean();
        double fps = r.ReadDouble();
        r.EnsureEnd();
        // The runner divides by fps for its frame interval: zero, negative or NaN would stall or flood it.
        if (!(fps > 0 && fps <= Controller.MaxFrameFps))
            throw new MalformedFrameException($"frame rate {fps}; allowed (0, {Controller.MaxFrameFps}]");
        return new WatchRemoteRunner(node, nodeIncarnation, learner, runner, on, fps);
    }

    /// <summary>
    /// runner i32, step i64, kind u8 (0 state, 1 cells), scene string, width u16, height u16, cells (i32 count + bytes),
    /// value count i32, then per value: name string, value f64. The environment's <see cref="Frame"/> travels whole, so the
    /// learner's Controller turns it into the dashboard's frame exactly as it does for a local runner.
    /// </summary>
    public static ReadOnlyMemory<byte> Encode(FrameBuffer buffer, FrameRendered m)
    {
        var f = m.Frame;
        var w = buffer.Begin(ClusterMessageType.FrameRendered);
        w.WriteInt32(m.RunnerId);
        w.WriteInt64(m.Step);
        w.WriteByte(f.Kind == FrameKind.Cells ? (byte)1 : (byte)0);
        w.WriteString(f.Scene, MaxSceneBytes);
        w.WriteUInt16(checked((ushort)f.Width));
        w.WriteUInt16(checked((ushort)f.Height));
        w.WriteBytes(f.Cells);
        w.WriteInt32(f.Values.Length);
        for (int i = 0; i < f.Values.Length; i++)
        {
            w.WriteString(f.Names[i], MaxValueNameBytes);
            w.WriteDouble(f.Values[i]);
        }
        return buffer.Complete();
    }

    public static FrameRendered DecodeFrame(in ReceivedFrame frame)
    {
        Expect(frame, ClusterMessageType.FrameRendered);
        var r = frame.Reader();
        int runner = ReadNonNegative(ref r, "runner id");
        long step = r.ReadInt64();
        if (step < 0) throw new MalformedFrameException($"frame step {step}; must not be negative");
        byte kind = r.ReadByte();
        if (kind > 1) throw new MalformedFrameException($"frame kind {kind}; allowed 0 (state) or 1 (cells)");
        var scene = r.ReadString(MaxSceneBytes);
        if (scene.Length == 0) throw new MalformedFrameException("frame without a scene name");
        int width = r.ReadUInt16();
        int height = r.ReadUInt16();
        var cells = r.ReadBytes(MaxFrameSide * MaxFrameSide);
        int count = r.ReadInt32();
        if (kind == 0)
        {
            if (width != 0 || height != 0 || cells.Length != 0)
                throw new MalformedFrameException($"state frame with a {width} x {height} grid of {cells.Length} cells; a state frame has none");
            if (count < 1 || count > MaxFrameValues) throw new MalformedFrameException($"state frame with {count} values; allowed 1..{MaxFrameValues}");
        }
        else
        {
            if (width < 1 || width > MaxFrameSide || height < 1 || height > MaxFrameSide)
                throw new MalformedFrameException($"cell grid {width} x {height}; allowed 1..{MaxFrameSide} on each side");
            if (cells.Length != width * height)
                throw new MalformedFrameException($"cell grid {width} x {height} needs {width * height} cells, frame has {cells.Length}");
            if (count < 0 || count > MaxFrameValues) throw new MalformedFrameException($"cell frame with {count} values; allowed 0..{MaxFrameValues}");
        }
        // Each value takes at least its name's length prefix and the double: checked before the arrays are sized from count.
        if ((long)count * 12 > r.Remaining) throw new MalformedFrameException($"{count} frame values need at least {count * 12L} bytes, payload has {r.Remaining}");
        var names = new string[count];
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            names[i] = r.ReadString(MaxValueNameBytes);
            values[i] = r.ReadDouble();
            if (!double.IsFinite(values[i])) throw new MalformedFrameException($"frame value {i} ('{names[i]}') is not finite");
        }
        r.EnsureEnd();
        var rendered = kind == 0 ? Frame.FromState(scene, names, values) : Frame.FromCells(scene, width, height, cells.ToArray(), names, values);
        return new FrameRendered(runner, step, rendered);
    }

    /// <summary>Decodes a message of the frames queue (only frames of watched runners travel there).</summary>
    public static FrameRendered DecodeVisualFramesQueue(in ReceivedFrame frame) => frame.MessageType == ClusterMessageType.FrameRendered
        ? DecodeFrame(frame)
        : throw new MalformedFrameException($"message type {frame.MessageType} does not belong on the frames queue");

    /// <summary>Decodes any telemetry-queue message (heartbeats and runner telemetry).</summary>
    public static object DecodeTelemetry(in ReceivedFrame frame, CodecLimits limits) => frame.MessageType switch
    {
        ClusterMessageType.NodeHeartbeat => DecodeHeartbeat(frame, limits),
        ClusterMessageType.EpisodeFinished => DecodeEpisode(frame),
        ClusterMessageType.EpisodeBatch => DecodeEpisodes(frame, limits),
        ClusterMessageType.RunnerStats => DecodeRunnerStats(frame),
        ClusterMessageType.RunnerStopped => DecodeRunnerStopped(frame),
        _ => throw new MalformedFrameException($"message type {frame.MessageType} does not belong on the telemetry queue"),
    };

    /// <summary>Decodes any control-fanout message (Pause/Resume/Stop, Welcome, WatchRemoteRunner and ExperienceCredit).</summary>
    public static object DecodeControlQueue(in ReceivedFrame frame, CodecLimits limits) => frame.MessageType switch
    {
        ClusterMessageType.Control => DecodeControl(frame),
        ClusterMessageType.Welcome => DecodeWelcome(frame, limits),
        ClusterMessageType.WatchRemoteRunner => DecodeWatch(frame),
        ClusterMessageType.ExperienceCredit => DecodeCredit(frame),
        _ => throw new MalformedFrameException($"message type {frame.MessageType} does not belong on the control fanout"),
    };

    private static void Expect(in ReceivedFrame frame, ushort type)
    {
        if (frame.MessageType != type)
            throw new MalformedFrameException($"message type {frame.MessageType} where type {type} was expected");
    }

    private static int ReadNonNegative(ref WireReader r, string what)
    {
        int v = r.ReadInt32();
        if (v < 0) throw new MalformedFrameException($"{what} {v}; must not be negative");
        return v;
    }

    private static string Truncate(string s, int chars) => s.Length <= chars ? s : s[..chars];
}
