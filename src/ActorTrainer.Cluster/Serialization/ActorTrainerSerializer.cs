using ActorTrainer.Environments;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Safetensors;
using ActorTrainer.Training.Configuration;
using ActorTrainer.Training.Control;
using ActorTrainer.Training.Pool;
using ActorTrainer.Training.Learners;
using ActorTrainer.Training.Runners;
using Akka.Actor;
using Akka.Event;
using Akka.Serialization;

namespace ActorTrainer.Cluster.Serialization;

/// <summary>
/// Binary form of every message that crosses cluster nodes (little-endian, one short string manifest per type). Decoding
/// is strict: every count is checked against <see cref="PayloadLimits"/> and against the bytes actually present before
/// an array is sized from it, enums, booleans, floats and UTF-8 are checked, and nothing may be left over. Anything else
/// throws <see cref="MalformedMessageException"/>, which Akka.Remote turns into one dropped message; each rejection is
/// counted in <see cref="RejectedMessages"/> and logged here with its reason.
/// </summary>
public sealed class ActorTrainerSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id on the wire; fixed, because both ends of a connection must agree on it.</summary>
    public const int SerializerId = 4711;

    /// <summary>The name the serializer is bound under in HOCON (akka.actor.serializers).</summary>
    public const string BindingName = "actortrainer";

    // The dashboard's own bounds for a visual frame: a frame beyond them could not be shown, so it is not accepted either.
    private const int MaxFrameValues = 64;
    private const int MaxFrameSide = 255;
    private const int MaxSceneBytes = 64;
    private const int MaxValueNameBytes = 64;

    // Rejections are logged one by one up to this many, then every LogEveryAfterBurst-th, so a flood of forged frames
    // cannot flood the log as well; the counter always holds the total.
    private const long LogBurst = 100;
    private const long LogEveryAfterBurst = 1000;

    private static long _rejected;
    private long _rejectedHere;

    private readonly PayloadLimits _limits;
    private readonly ExtendedActorSystem? _system;
    private ILoggingAdapter? _log;

    // The learner sends the same WeightsUpdated to every remote runner: encode it once (latest only; the array is never
    // changed after it is made, and Akka.Remote copies it into its own frame).
    private Tuple<WeightsUpdated, byte[]>? _lastWeights;

    public ActorTrainerSerializer(ExtendedActorSystem system) : this(system, PayloadLimits.Default) { }

    public ActorTrainerSerializer(ExtendedActorSystem system, PayloadLimits limits) : base(system)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
        // The logger is made on first use: serializers are built while the system's logging is still starting.
        _system = system;
    }

    public override int Identifier => SerializerId;

    /// <summary>Payloads refused by any instance in this process since it started (a node reports it).</summary>
    public static long RejectedMessages => Interlocked.Read(ref _rejected);

    /// <summary>Every type this serializer writes, for the binding (<see cref="SerializationHostingExtensions"/>).</summary>
    public static IReadOnlyList<Type> BoundTypes { get; } =
    [
        typeof(ExperienceBatch), typeof(ExperienceAck), typeof(WeightsUpdated), typeof(EpisodeFinished), typeof(RunnerStats),
        typeof(RunnerStarted), typeof(RunnerStopped), typeof(WatchFrames), typeof(FrameRendered),
        typeof(Pause), typeof(Resume), typeof(Stop),
        typeof(JoinPool), typeof(PoolJoined), typeof(WeightsReceived), typeof(LadderPlace), typeof(WeightsChunk),
        typeof(EpisodesFinished),
    ];

    private static class Manifests
    {
        public const string ExperienceBatch = "EB";
        public const string ExperienceAck = "EA";
        public const string WeightsUpdated = "WU";
        public const string EpisodeFinished = "EF";
        public const string RunnerStats = "RS";
        public const string RunnerStarted = "R+";
        public const string RunnerStopped = "R-";
        public const string WatchFrames = "WF";
        public const string FrameRendered = "FR";
        public const string Pause = "PA";
        public const string Resume = "RE";
        public const string Stop = "ST";
        public const string JoinPool = "PJ";
        public const string PoolJoined = "PW";
        public const string WeightsReceived = "PR";
        public const string LadderPlace = "LP";
        public const string WeightsChunk = "WC";
        public const string EpisodesFinished = "EL";
    }

    public override string Manifest(object o) => o switch
    {
        ExperienceBatch => Manifests.ExperienceBatch,
        ExperienceAck => Manifests.ExperienceAck,
        WeightsUpdated => Manifests.WeightsUpdated,
        EpisodeFinished => Manifests.EpisodeFinished,
        RunnerStats => Manifests.RunnerStats,
        RunnerStarted => Manifests.RunnerStarted,
        RunnerStopped => Manifests.RunnerStopped,
        WatchFrames => Manifests.WatchFrames,
        FrameRendered => Manifests.FrameRendered,
        Pause => Manifests.Pause,
        Resume => Manifests.Resume,
        Stop => Manifests.Stop,
        JoinPool => Manifests.JoinPool,
        PoolJoined => Manifests.PoolJoined,
        WeightsReceived => Manifests.WeightsReceived,
        LadderPlace => Manifests.LadderPlace,
        WeightsChunk => Manifests.WeightsChunk,
        EpisodesFinished => Manifests.EpisodesFinished,
        _ => throw new ArgumentException($"{o?.GetType().FullName ?? "null"} is not a message ActorTrainerSerializer writes; bound types: {string.Join(", ", BoundTypes.Select(t => t.Name))}", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        ExperienceBatch m => WriteExperience(m),
        ExperienceAck m => Fixed(4, m, static (ref PayloadWriter w, ExperienceAck a) => w.WriteInt32(a.Count)),
        WeightsUpdated m => WriteWeights(m),
        EpisodeFinished m => Fixed(EpisodeBytes, m, WriteEpisode),
        EpisodesFinished m => WriteEpisodes(m),
        RunnerStats m => Fixed(28, m, static (ref PayloadWriter w, RunnerStats s) =>
        {
            w.WriteInt32(s.RunnerId);
            w.WriteInt64(s.EnvSteps);
            w.WriteInt64(s.Episodes);
            w.WriteInt64(s.WeightsVersion);
        }),
        RunnerStarted m => Fixed(4, m, static (ref PayloadWriter w, RunnerStarted s) => w.WriteInt32(s.RunnerId)),
        RunnerStopped m => Fixed(12, m, static (ref PayloadWriter w, RunnerStopped s) =>
        {
            w.WriteInt32(s.RunnerId);
            w.WriteInt64(s.EnvSteps);
        }),
        WatchFrames m => Fixed(9, m, static (ref PayloadWriter w, WatchFrames f) =>
        {
            w.WriteBoolean(f.On);
            w.WriteDouble(f.Fps);
        }),
        FrameRendered m => WriteFrame(m),
        Pause or Resume => [],
        Stop m => WriteStop(m),
        JoinPool m => WriteJoinPool(m),
        PoolJoined m => WritePoolJoined(m),
        WeightsReceived m => Fixed(8, m, static (ref PayloadWriter w, WeightsReceived r) => w.WriteInt64(r.Version)),
        LadderPlace m => Fixed(8, m, static (ref PayloadWriter w, LadderPlace p) =>
        {
            w.WriteInt32(p.FirstSlot);
            w.WriteInt32(p.LadderSize);
        }),
        WeightsChunk m => WriteWeightsChunk(m),
        _ => throw new ArgumentException($"{obj?.GetType().FullName ?? "null"} is not a message ActorTrainerSerializer writes", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(bytes);
            var r = new PayloadReader(bytes);
            object message = manifest switch
            {
                Manifests.ExperienceBatch => ReadExperience(ref r),
                Manifests.ExperienceAck => new ExperienceAck(r.ReadInt32("acknowledged count", 0, _limits.MaxBatchTransitions)),
                Manifests.WeightsUpdated => ReadWeights(ref r),
                Manifests.EpisodeFinished => ReadEpisode(ref r),
                Manifests.RunnerStats => new RunnerStats(RunnerId(ref r), r.ReadCounter("env steps"), r.ReadCounter("episodes"), r.ReadInt64()),
                Manifests.RunnerStarted => new RunnerStarted(RunnerId(ref r)),
                Manifests.RunnerStopped => new RunnerStopped(RunnerId(ref r), r.ReadCounter("env steps")),
                Manifests.WatchFrames => ReadWatch(ref r),
                Manifests.FrameRendered => ReadFrame(ref r),
                Manifests.Pause => new Pause(),
                Manifests.Resume => new Resume(),
                Manifests.Stop => new Stop(r.ReadString("stop reason", _limits.MaxReasonBytes)),
                Manifests.JoinPool => ReadJoinPool(ref r),
                Manifests.PoolJoined => ReadPoolJoined(ref r),
                Manifests.WeightsReceived => new WeightsReceived(r.ReadCounter("weights version")),
                Manifests.LadderPlace => ReadLadderPlace(ref r),
                Manifests.WeightsChunk => ReadWeightsChunk(bytes, ref r),
                Manifests.EpisodesFinished => ReadEpisodes(ref r),
                _ => throw new MalformedMessageException($"unknown manifest '{Printable(manifest)}'; this serializer reads {string.Join(", ", AllManifests)}"),
            };
            r.EnsureEnd();
            return message;
        }
        catch (MalformedMessageException e)
        {
            Reject(manifest, bytes?.Length ?? 0, e);
            throw;
        }
    }

    private static readonly string[] AllManifests =
    [
        Manifests.ExperienceBatch, Manifests.ExperienceAck, Manifests.WeightsUpdated, Manifests.EpisodeFinished, Manifests.RunnerStats,
        Manifests.RunnerStarted, Manifests.RunnerStopped, Manifests.WatchFrames, Manifests.FrameRendered, Manifests.Pause,
        Manifests.Resume, Manifests.Stop,
        Manifests.JoinPool, Manifests.PoolJoined, Manifests.WeightsReceived, Manifests.LadderPlace, Manifests.WeightsChunk,
        Manifests.EpisodesFinished,
    ];

    private void Reject(string manifest, int length, MalformedMessageException e)
    {
        var total = Interlocked.Increment(ref _rejected);
        // The log budget is per ActorSystem (one serializer each), so one node's flood does not silence another's log.
        var here = Interlocked.Increment(ref _rejectedHere);
        if (here <= LogBurst || here % LogEveryAfterBurst == 0)
            Log()?.Warning("Dropped a malformed {0} message of {1} bytes ({2} rejected in this process): {3}", Printable(manifest), length, total, e.Message);
    }

    private ILoggingAdapter? Log() => _log ??= _system is null ? null : Logging.GetLogger(_system, typeof(ActorTrainerSerializer));

    // A forged manifest goes into a log line: keep it short and printable.
    private static string Printable(string? s) =>
        s is null ? "(none)" : new string(s.Take(16).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    // ---------------------------------------------------------------- small fixed layouts

    private delegate void FieldWriter<in T>(ref PayloadWriter writer, T message);

    private static byte[] Fixed<T>(int size, T message, FieldWriter<T> write)
    {
        var bytes = new byte[size];
        var w = new PayloadWriter(bytes);
        write(ref w, message);
        return bytes;
    }

    private static int RunnerId(ref PayloadReader r) => r.ReadInt32("runner id", 0, int.MaxValue);

    // runner i32, return f64, length i32, weights version i64, lines i32.
    private const int EpisodeBytes = 28;

    private static void WriteEpisode(ref PayloadWriter w, EpisodeFinished e)
    {
        w.WriteInt32(e.RunnerId);
        w.WriteDouble(e.Return);
        w.WriteInt32(e.Length);
        w.WriteInt64(e.WeightsVersion);
        w.WriteInt32(e.Lines);
    }

    // count i32, then count episodes of EpisodeBytes each.
    private byte[] WriteEpisodes(EpisodesFinished m)
    {
        var n = m.Episodes.Length;
        if (n < 1 || n > _limits.MaxEpisodesPerMessage)
            throw new ArgumentException($"{n} episodes in one message; allowed 1..{_limits.MaxEpisodesPerMessage}", nameof(m));
        var bytes = new byte[4 + n * EpisodeBytes];
        var w = new PayloadWriter(bytes);
        w.WriteInt32(n);
        foreach (var e in m.Episodes) WriteEpisode(ref w, e);
        return bytes;
    }

    private EpisodesFinished ReadEpisodes(ref PayloadReader r)
    {
        var n = r.ReadInt32("episode count", 1, _limits.MaxEpisodesPerMessage);
        if ((long)n * EpisodeBytes != r.Remaining)
            throw new MalformedMessageException($"a list of {n} episodes needs {(long)n * EpisodeBytes} bytes after the count; the payload has {r.Remaining}");
        var episodes = new EpisodeFinished[n];
        for (var i = 0; i < n; i++) episodes[i] = ReadEpisode(ref r);
        return new EpisodesFinished(episodes);
    }

    private static EpisodeFinished ReadEpisode(ref PayloadReader r)
    {
        var runner = RunnerId(ref r);
        var ret = r.ReadDouble();
        var length = r.ReadInt32("episode length", 0, int.MaxValue);
        var version = r.ReadInt64();
        var lines = r.ReadInt32("lines", 0, int.MaxValue);
        if (!double.IsFinite(ret)) throw new MalformedMessageException($"episode of runner {runner} has a non-finite return");
        return new EpisodeFinished(runner, ret, length, version, lines);
    }

    private static WatchFrames ReadWatch(ref PayloadReader r)
    {
        var on = r.ReadBoolean();
        var fps = r.ReadDouble();
        // The runner divides by fps for its frame interval: zero, negative or NaN would stall or flood it.
        if (!(fps > 0 && fps <= Controller.MaxFrameFps))
            throw new MalformedMessageException($"frame rate {fps}; allowed (0, {Controller.MaxFrameFps}]");
        return new WatchFrames(on, fps);
    }

    // ---------------------------------------------------------------- experience

    // runner i32, version i64, count i32, obs size i32, then raw blocks: observations f32[count*obs], actions i32[count],
    // returns f32[count], next observations f32[count*obs], discounts f32[count], priorities f32[count].
    // runner i32, version i64, count i32, observation size i32, first observation i64, observation count i32.
    private const int ExperienceHeaderBytes = 32;

    // Each observation once (the batch names transitions by stream position), then from/to (i64) and four 4-byte columns.
    private static long ExperienceBodyBytes(long count, long observationCount, long observationSize) =>
        observationCount * observationSize * 4 + count * 32;

    /// <summary>The payload of an experience batch of <paramref name="transitions"/> transitions and
    /// <paramref name="observations"/> observations of <paramref name="observationSize"/> floats.</summary>
    public static long ExperiencePayloadBytes(int transitions, int observations, int observationSize) =>
        ExperienceHeaderBytes + ExperienceBodyBytes(transitions, observations, observationSize);

    private byte[] WriteExperience(ExperienceBatch m)
    {
        var problem = m.Validate(m.ObservationSize, int.MaxValue);
        if (problem is not null) throw new ArgumentException($"experience batch of runner {m.RunnerId} cannot be sent: {problem}", nameof(m));
        var size = ExperienceHeaderBytes + ExperienceBodyBytes(m.Count, m.ObservationCount, m.ObservationSize);
        if (size > _limits.MaxExperienceBytes)
            throw new ArgumentException($"experience batch of {m.Count} transitions and {m.ObservationCount} x {m.ObservationSize} observations is {size} bytes; the limit is {_limits.MaxExperienceBytes}", nameof(m));
        var bytes = new byte[size];
        var w = new PayloadWriter(bytes);
        var n = m.Count;
        w.WriteInt32(m.RunnerId);
        w.WriteInt64(m.WeightsVersion);
        w.WriteInt32(n);
        w.WriteInt32(m.ObservationSize);
        w.WriteInt64(m.FirstObservation);
        w.WriteInt32(m.ObservationCount);
        w.WriteRaw(m.Observations.AsSpan(0, m.ObservationCount * m.ObservationSize));
        w.WriteRaw(m.From.AsSpan(0, n));
        w.WriteRaw(m.To.AsSpan(0, n));
        w.WriteRaw(m.Actions.AsSpan(0, n));
        w.WriteRaw(m.Returns.AsSpan(0, n));
        w.WriteRaw(m.Discounts.AsSpan(0, n));
        w.WriteRaw(m.Priorities.AsSpan(0, n));
        // Encoded: the runner's pooled arrays may go back to it (the bytes are all the remote link needs).
        m.Release();
        return bytes;
    }

    private ExperienceBatch ReadExperience(ref PayloadReader r)
    {
        var runner = RunnerId(ref r);
        var version = r.ReadInt64();
        var count = r.ReadInt32("experience count", 0, _limits.MaxBatchTransitions);
        var obsSize = r.ReadInt32("observation size", 1, _limits.MaxObservationSize);
        var first = r.ReadInt64();
        if (first < 0) throw new MalformedMessageException($"experience of runner {runner}: first observation {first}, expected at least 0");
        var obsCount = r.ReadInt32("observation count", 1, _limits.MaxBatchTransitions + _limits.MaxBatchTransitions);
        // The arrays are sized from the header, which a forger controls: the bytes must be there before anything is allocated.
        var body = ExperienceBodyBytes(count, obsCount, obsSize);
        if (body != r.Remaining)
            throw new MalformedMessageException($"experience of {count} transitions and {obsCount} x {obsSize} observations needs {body} bytes after the header; the payload has {r.Remaining}");
        var observations = new float[obsCount * obsSize];
        var from = new long[count];
        var to = new long[count];
        var actions = new int[count];
        var returns = new float[count];
        var discounts = new float[count];
        var priorities = new float[count];
        r.ReadRaw(observations);
        r.ReadRaw(from);
        r.ReadRaw(to);
        r.ReadRaw(actions);
        r.ReadRaw(returns);
        r.ReadRaw(discounts);
        r.ReadRaw(priorities);
        var batch = new ExperienceBatch(runner, version, count, obsSize, first, obsCount, observations, from, to, actions, returns, discounts, priorities);
        // Shapes are right by construction; this checks values (finite observations, returns and priorities, discounts
        // in 0..1, transitions inside the stream, actions not negative). The replay checks actions against the run's action count.
        var problem = batch.Validate(obsSize, int.MaxValue);
        if (problem is not null) throw new MalformedMessageException($"experience of runner {runner}: {problem}");
        return batch;
    }

    // ---------------------------------------------------------------- weights

    // version i64, then the snapshot as safetensors (i32 length + bytes): the same format as model files.
    private byte[] WriteWeights(WeightsUpdated m)
    {
        var cached = Volatile.Read(ref _lastWeights);
        if (cached is not null && ReferenceEquals(cached.Item1, m)) return cached.Item2;
        var safetensors = ModelFile.SerializeSnapshot(m.Snapshot);
        if (safetensors.Length > _limits.MaxWeightsBytes)
            throw new ArgumentException($"weights of network {m.Snapshot.Spec} are {safetensors.Length} bytes; the limit is {_limits.MaxWeightsBytes}", nameof(m));
        var bytes = new byte[12 + safetensors.Length];
        var w = new PayloadWriter(bytes);
        w.WriteInt64(m.Version);
        w.WriteBytes(safetensors);
        Volatile.Write(ref _lastWeights, Tuple.Create(m, bytes));
        return bytes;
    }

    private WeightsUpdated ReadWeights(ref PayloadReader r)
    {
        var version = r.ReadCounter("weights version");
        var safetensors = r.ReadBytes("safetensors", _limits.MaxWeightsBytes);
        var snapshot = DecodeWeights(safetensors, version);
        return new WeightsUpdated(version, snapshot);
    }

    /// <summary>
    /// Weights version <paramref name="version"/> from its safetensors bytes, checked as strictly as a whole weights
    /// message: a valid model whose metadata names the same version, every parameter finite. Throws
    /// <see cref="MalformedMessageException"/> otherwise (also used by a runner node for weights it put together from
    /// <see cref="WeightsChunk"/>s).
    /// </summary>
    public static WeightsSnapshot DecodeWeights(ReadOnlySpan<byte> safetensors, long version)
    {
        WeightsSnapshot snapshot;
        try
        {
            snapshot = ModelFile.DeserializeSnapshot(safetensors, "weights from a remote node");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new MalformedMessageException($"weights are not a valid safetensors model: {e.Message}", e);
        }
        if (snapshot.Version != version)
            throw new MalformedMessageException($"message says weights version {version}, the safetensors metadata says {snapshot.Version}");
        foreach (var p in snapshot.Parameters.Span)
            if (!float.IsFinite(p)) throw new MalformedMessageException("weights contain NaN or infinity");
        return snapshot;
    }

    // version i64, total bytes i32, chunk count i32, index i32, then the piece (i32 length + bytes). The layout is fixed
    // by the total (WeightsChunks.ChunkBytes per chunk, the last one shorter), so a chunk is checked on its own here and
    // against its version's other chunks by the runner node's WeightsAssembler.
    private const int WeightsChunkHeaderBytes = 24;

    private static byte[] WriteWeightsChunk(WeightsChunk m)
    {
        var problem = WeightsChunkProblem(m.Version, m.TotalBytes, m.Count, m.Index, m.Data.Length, PayloadLimits.Default.MaxWeightsBytes);
        if (problem is not null) throw new ArgumentException($"weights chunk cannot be sent: {problem}", nameof(m));
        var bytes = new byte[WeightsChunkHeaderBytes + m.Data.Length];
        var w = new PayloadWriter(bytes);
        w.WriteInt64(m.Version);
        w.WriteInt32(m.TotalBytes);
        w.WriteInt32(m.Count);
        w.WriteInt32(m.Index);
        w.WriteBytes(m.Data.Span);
        return bytes;
    }

    private WeightsChunk ReadWeightsChunk(byte[] bytes, ref PayloadReader r)
    {
        var version = r.ReadCounter("weights version");
        var total = r.ReadInt32("weights size", 1, _limits.MaxWeightsBytes);
        var count = r.ReadInt32("weights chunk count", 1, WeightsChunks.CountFor(_limits.MaxWeightsBytes));
        var index = r.ReadInt32("weights chunk index", 0, count - 1);
        var data = r.ReadBytes("weights chunk", WeightsChunks.ChunkBytes);
        var problem = WeightsChunkProblem(version, total, count, index, data.Length, _limits.MaxWeightsBytes);
        if (problem is not null) throw new MalformedMessageException(problem);
        // Akka.Remote hands the serializer an array of its own: the piece stays in it, no copy.
        return new WeightsChunk(version, index, count, total, bytes.AsMemory(r.Position - data.Length, data.Length));
    }

    /// <summary>Why a chunk's header and length do not fit the chunk layout, or null when they do.</summary>
    public static string? WeightsChunkProblem(long version, int total, int count, int index, int length, int maxTotal)
    {
        if (version < 0) return $"weights version {version}; must not be negative";
        if (total < 1 || total > maxTotal) return $"weights of {total} bytes; allowed 1..{maxTotal}";
        var expectedCount = WeightsChunks.CountFor(total);
        if (count != expectedCount)
            return $"{count} chunks for {total} bytes of weights; {WeightsChunks.ChunkBytes}-byte chunks make {expectedCount}";
        if (index < 0 || index >= count) return $"weights chunk {index} of {count}; allowed 0..{count - 1}";
        var expectedLength = WeightsChunks.LengthOf(index, total);
        if (length != expectedLength)
            return $"weights chunk {index} of {count} carries {length} bytes; with {total} bytes in {WeightsChunks.ChunkBytes}-byte chunks it must carry {expectedLength}";
        return null;
    }

    // ---------------------------------------------------------------- visual mode

    // runner i32, step i64, kind u8 (0 state, 1 cells), scene string, width u16, height u16, cells (i32 count + bytes),
    // value count i32, then per value: name string, value f64.
    private static byte[] WriteFrame(FrameRendered m)
    {
        var f = m.Frame;
        if (f.Width > MaxFrameSide || f.Height > MaxFrameSide || f.Values.Length > MaxFrameValues)
            throw new ArgumentException($"frame of {f.Width} x {f.Height} cells and {f.Values.Length} values exceeds {MaxFrameSide} x {MaxFrameSide} and {MaxFrameValues} values", nameof(m));
        var size = 4 + 8 + 1 + PayloadWriter.StringSize(f.Scene) + 2 + 2 + 4 + f.Cells.Length + 4;
        for (var i = 0; i < f.Values.Length; i++) size += PayloadWriter.StringSize(f.Names[i]) + 8;
        var bytes = new byte[size];
        var w = new PayloadWriter(bytes);
        w.WriteInt32(m.RunnerId);
        w.WriteInt64(m.Step);
        w.WriteByte(f.Kind == FrameKind.Cells ? (byte)1 : (byte)0);
        w.WriteString(f.Scene);
        w.WriteUInt16((ushort)f.Width);
        w.WriteUInt16((ushort)f.Height);
        w.WriteBytes(f.Cells);
        w.WriteInt32(f.Values.Length);
        for (var i = 0; i < f.Values.Length; i++)
        {
            w.WriteString(f.Names[i]);
            w.WriteDouble(f.Values[i]);
        }
        return bytes;
    }

    private static FrameRendered ReadFrame(ref PayloadReader r)
    {
        var runner = RunnerId(ref r);
        var step = r.ReadCounter("frame step");
        var kind = r.ReadByte();
        if (kind > 1) throw new MalformedMessageException($"frame kind {kind}; allowed 0 (state) or 1 (cells)");
        var scene = r.ReadString("scene name", MaxSceneBytes);
        if (scene.Length == 0) throw new MalformedMessageException("frame without a scene name");
        int width = r.ReadUInt16(), height = r.ReadUInt16();
        var cells = r.ReadBytes("cells", MaxFrameSide * MaxFrameSide);
        var count = r.ReadInt32("frame value count", 0, MaxFrameValues);
        if (kind == 0)
        {
            if (width != 0 || height != 0 || cells.Length != 0)
                throw new MalformedMessageException($"state frame with a {width} x {height} grid of {cells.Length} cells; a state frame has none");
            if (count < 1) throw new MalformedMessageException("state frame without values; allowed 1..64");
        }
        else
        {
            if (width < 1 || width > MaxFrameSide || height < 1 || height > MaxFrameSide)
                throw new MalformedMessageException($"cell grid {width} x {height}; allowed 1..{MaxFrameSide} on each side");
            if (cells.Length != width * height)
                throw new MalformedMessageException($"cell grid {width} x {height} needs {width * height} cells, the frame has {cells.Length}");
        }
        // Each value takes at least a name length and a double: checked before the arrays are sized from count.
        r.Require(count * 12L, $"{count} frame values");
        var names = new string[count];
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = r.ReadString("value name", MaxValueNameBytes);
            values[i] = r.ReadDouble();
            if (!double.IsFinite(values[i])) throw new MalformedMessageException($"frame value {i} ('{names[i]}') is not finite");
        }
        var frame = kind == 0 ? Frame.FromState(scene, names, values) : Frame.FromCells(scene, width, height, cells.ToArray(), names, values);
        return new FrameRendered(runner, step, frame);
    }

    // ---------------------------------------------------------------- control and membership

    private byte[] WriteStop(Stop m)
    {
        var reason = m.Reason ?? "";
        // A reason is free text: cut it to what the decoder accepts rather than refuse to stop.
        while (System.Text.Encoding.UTF8.GetByteCount(reason) > _limits.MaxReasonBytes) reason = reason[..(reason.Length / 2)];
        var bytes = new byte[PayloadWriter.StringSize(reason)];
        var w = new PayloadWriter(bytes);
        w.WriteString(reason);
        return bytes;
    }

    // ---------------------------------------------------------------- runner pool

    // Node names are short labels ("runner-1@10.0.0.5:4053"); more than this is not a label.
    private const int MaxNodeNameBytes = 256;
    // An actor path with its address; Akka's own limit on a path element is far below this.
    private const int MaxActorPathBytes = 1024;

    // node name string, runner count i32.
    private byte[] WriteJoinPool(JoinPool m)
    {
        var node = m.Node ?? "";
        if (System.Text.Encoding.UTF8.GetByteCount(node) > MaxNodeNameBytes)
            throw new ArgumentException($"node name of more than {MaxNodeNameBytes} bytes", nameof(m));
        var bytes = new byte[PayloadWriter.StringSize(node) + 5];
        var w = new PayloadWriter(bytes);
        w.WriteString(node);
        w.WriteInt32(m.Runners);
        w.WriteBoolean(m.OnLadder);
        return bytes;
    }

    private JoinPool ReadJoinPool(ref PayloadReader r)
    {
        var node = r.ReadString("node name", MaxNodeNameBytes);
        var runners = r.ReadInt32("runner count", 1, _limits.MaxRunnersPerNode);
        return new JoinPool(node, runners, r.ReadBoolean());
    }

    // first slot i32, ladder size i32: the size is bounded (a runner sizes nothing from it, but computes with it), and the
    // first slot must lie on the ladder.
    private LadderPlace ReadLadderPlace(ref PayloadReader r)
    {
        var first = r.ReadInt32("first ladder slot", 0, int.MaxValue);
        var size = r.ReadInt32("ladder size", 1, _limits.MaxLadderSlots);
        if (first >= size) throw new MalformedMessageException($"ladder place {first} of a ladder of {size} env slots; expected 0 <= first < size");
        return new LadderPlace(first, size);
    }

    // first runner i32, runner count i32, ladder i32, run state byte, replay actor path string, config JSON string.
    private byte[] WritePoolJoined(PoolJoined m)
    {
        var path = Akka.Serialization.Serialization.SerializedActorPath(m.Replay);
        var json = TrainingConfigJson.Serialize(m.Config);
        var jsonBytes = System.Text.Encoding.UTF8.GetByteCount(json);
        if (jsonBytes > _limits.MaxConfigBytes)
            throw new ArgumentException($"training config of {jsonBytes} bytes; the limit is {_limits.MaxConfigBytes}", nameof(m));
        var bytes = new byte[13 + PayloadWriter.StringSize(path) + PayloadWriter.StringSize(json)];
        var w = new PayloadWriter(bytes);
        w.WriteInt32(m.FirstRunnerId);
        w.WriteInt32(m.RunnerCount);
        w.WriteInt32(m.LadderSize);
        w.WriteByte((byte)m.State);
        w.WriteString(path);
        w.WriteString(json);
        return bytes;
    }

    private PoolJoined ReadPoolJoined(ref PayloadReader r)
    {
        var first = r.ReadInt32("first runner id", 0, int.MaxValue);
        var count = r.ReadInt32("runner count", 1, _limits.MaxRunnersPerNode);
        var ladder = r.ReadInt32("epsilon ladder size", 1, _limits.MaxLadderSlots);
        var stateByte = r.ReadByte();
        if (!Enum.IsDefined(typeof(RunState), (int)stateByte))
            throw new MalformedMessageException($"run state {stateByte}; allowed {string.Join(", ", Enum.GetValues<RunState>().Select(v => $"{(int)v} ({v})"))}");
        var path = r.ReadString("replay actor path", MaxActorPathBytes);
        var json = r.ReadString("training config", _limits.MaxConfigBytes);
        if (_system is null) throw new MalformedMessageException("a PoolJoined needs an actor system to resolve its replay reference");
        if (!ActorPath.TryParse(path, out _))
            throw new MalformedMessageException($"replay actor path '{Printable(path)}' is not an actor path");
        TrainingConfig config;
        try
        {
            config = TrainingConfigJson.Overlay(new TrainingConfig(), json, "PoolJoined training config");
        }
        catch (InvalidConfigException ex)
        {
            throw new MalformedMessageException($"training config: {string.Join("; ", ex.Problems)}");
        }
        // Runner ids keep growing as nodes come and go while the ladder holds only the runners there are now: what must
        // fit is this host's env slots, not its ids.
        if ((long)count * config.EnvsPerRunner > ladder)
            throw new MalformedMessageException($"{count} runners x {config.EnvsPerRunner} envs do not fit an epsilon ladder of {ladder}");
        var replay = _system.Provider.ResolveActorRef(path);
        return new PoolJoined(first, count, ladder, replay, config, (RunState)stateByte);
    }
}
