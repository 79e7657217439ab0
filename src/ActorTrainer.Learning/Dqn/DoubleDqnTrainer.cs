using System.Runtime.CompilerServices;
using ActorTrainer.Learning.Networks;
using ActorTrainer.Learning.Optimization;
using ActorTrainer.Learning.Replay;

namespace ActorTrainer.Learning.Dqn;

/// <summary>
/// One double-DQN learner: online and target networks, Adam, and every scratch buffer, sized once.
/// Target for row i: yᵢ = Rᵢ + γᵢ^k·(1 − terminatedᵢ)·Q_target(s'ᵢ, argmaxₐ Q_online(s'ᵢ, a)), the argmax
/// over the actions <see cref="NextActionMask"/> allows in s'ᵢ when it is set. A step allocates nothing.
/// With a per-action network only the argmax needs every action of s'; the target and the prediction need one
/// action row per transition, so those passes run on the gathered rows alone (for Tetris, 1/40 of the work).
/// </summary>
public sealed class DoubleDqnTrainer
{
    private readonly QNetworkWorkspace _onlineWs;
    private readonly QNetworkWorkspace _targetWs;
    private readonly float[] _q;
    private readonly float[] _qNextOnline;
    private readonly float[] _qNextTarget;
    private readonly float[] _gradQ;
    private readonly float[] _predictions;
    private readonly float[] _targets;
    private readonly float[] _lossGrad;
    private readonly float[] _td;
    private readonly bool[] _mask;
    private readonly int[] _best;
    private readonly float[] _rows;
    private readonly float[] _nextValues;

    public DoubleDqnTrainer(NetworkSpec spec, DqnTrainerOptions options, int seed)
        : this(QNetwork.Create(spec, seed), options)
    {
    }

    /// <summary>Wraps an existing online network (e.g. loaded from a checkpoint); the target starts as a copy of it.</summary>
    public DoubleDqnTrainer(QNetwork online, DqnTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(online);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Online = online;
        var spec = online.Spec;
        Target = new QNetwork(spec);
        Target.CopyFrom(Online);
        Optimizer = new AdamOptimizer(spec.ParameterCount, options.Adam);
        var max = options.MaxBatch;
        _onlineWs = new QNetworkWorkspace(spec, max);
        _targetWs = new QNetworkWorkspace(spec, max);
        _q = spec.IsPerAction ? [] : new float[max * spec.ActionCount];
        _qNextOnline = new float[max * spec.ActionCount];
        _qNextTarget = spec.IsPerAction ? [] : new float[max * spec.ActionCount];
        _gradQ = spec.IsPerAction ? [] : new float[max * spec.ActionCount];
        _predictions = new float[max];
        _targets = new float[max];
        _lossGrad = new float[max];
        _td = new float[max];
        _mask = new bool[spec.ActionCount];
        _best = new int[max];
        _rows = spec.IsPerAction ? new float[max * spec.ActionFeatures] : [];
        _nextValues = new float[max];
    }

    public DqnTrainerOptions Options { get; }
    public QNetwork Online { get; }
    public QNetwork Target { get; }
    public AdamOptimizer Optimizer { get; }
    public NetworkSpec Spec => Online.Spec;

    /// <summary>
    /// The environment's action mask as a function of the next observation, or null when every action is always
    /// allowed. With masked actions the unmasked argmax would bootstrap from placements that can never be taken,
    /// whose Q-values no update ever corrects.
    /// </summary>
    public ActionMaskFunction? NextActionMask { get; set; }

    /// <summary>Updates applied so far (skipped NaN steps do not count).</summary>
    public long UpdateCount { get; private set; }

    /// <summary>Gradients of the last step (after clipping), in parameter layout.</summary>
    public ReadOnlySpan<float> LastGradients => _onlineWs.Gradients;

    /// <summary>Copies the online weights into the target network.</summary>
    public void SyncTarget() => Target.CopyFrom(Online);

    /// <summary>Restores the update counter from a checkpoint.</summary>
    public void RestoreUpdateCount(long updates)
    {
        if (updates < 0) throw new ArgumentOutOfRangeException(nameof(updates), updates, "update count must be ≥ 0");
        UpdateCount = updates;
    }

    /// <summary>
    /// One update on <paramref name="batch"/>. Writes |TD error| per row into <paramref name="tdErrors"/>
    /// (for priority updates) when the step is applied.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TrainStepResult TrainStep(ReplayBatch batch, Span<float> tdErrors)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var n = batch.Count;
        var spec = Spec;
        if (n < 1 || n > Options.MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(batch), n, $"batch count must be between 1 and MaxBatch {Options.MaxBatch}");
        if (batch.ObservationSize != spec.ObservationSize)
            throw new ArgumentException($"batch observations have {batch.ObservationSize} values; the network expects {spec.ObservationSize}", nameof(batch));
        if (tdErrors.Length < n)
            throw new ArgumentException($"tdErrors has room for {tdErrors.Length} values; the batch has {n}", nameof(tdErrors));
        var actions = spec.ActionCount;
        for (var i = 0; i < n; i++)
        {
            if ((uint)batch.Actions[i] >= (uint)actions)
                throw new ArgumentOutOfRangeException(nameof(batch), batch.Actions[i], $"row {i} has action {batch.Actions[i]}; actions are 0..{actions - 1}");
        }

        // Next-state evaluations first: the online workspace is then reused for the obs pass whose activations backprop needs.
        Online.ForwardBatch(batch.NextObservations, n, _onlineWs, _qNextOnline);
        ChooseNextActions(batch, n);
        if (spec.IsPerAction)
        {
            GatherRows(batch.NextObservations, _best, n);
            Target.ForwardRows(_rows, n, _targetWs, _nextValues);
            GatherRows(batch.Observations, batch.Actions, n);
            Online.ForwardRows(_rows, n, _onlineWs, _predictions);
        }
        else
        {
            Target.ForwardBatch(batch.NextObservations, n, _targetWs, _qNextTarget);
            for (var i = 0; i < n; i++) _nextValues[i] = _qNextTarget[i * actions + _best[i]];
            Online.ForwardBatch(batch.Observations, n, _onlineWs, _q);
            for (var i = 0; i < n; i++) _predictions[i] = _q[i * actions + batch.Actions[i]];
        }

        double qSum = 0;
        for (var i = 0; i < n; i++)
        {
            var bootstrap = batch.Terminated[i] ? 0f : batch.Discounts[i] * _nextValues[i];
            _targets[i] = batch.Returns[i] + bootstrap;
            _td[i] = _predictions[i] - _targets[i];
            qSum += _predictions[i];
        }

        var loss = Losses.Compute(Options.Loss, _predictions.AsSpan(0, n), _targets.AsSpan(0, n), batch.Weights.AsSpan(0, n), Options.HuberDelta, _lossGrad.AsSpan(0, n));
        var meanQ = (float)(qSum / n);
        if (!float.IsFinite(loss))
            return new TrainStepResult(false, loss, meanQ, float.NaN, float.NaN, UpdateCount, "loss is not finite (NaN or Inf); step skipped");

        if (spec.IsPerAction)
        {
            Online.BackwardRows(_lossGrad.AsSpan(0, n), n, _onlineWs);
        }
        else
        {
            var gradQ = _gradQ.AsSpan(0, n * actions);
            gradQ.Clear();
            for (var i = 0; i < n; i++) gradQ[i * actions + batch.Actions[i]] = _lossGrad[i];
            Online.Backward(gradQ, n, _onlineWs);
        }

        var gradients = _onlineWs.Gradients;
        var norm = Options.MaxGradientNorm > 0f
            ? GradientClipping.ClipByGlobalNorm(gradients, Options.MaxGradientNorm)
            : GradientClipping.GlobalNorm(gradients);
        if (!float.IsFinite(norm))
            return new TrainStepResult(false, loss, meanQ, float.NaN, norm, UpdateCount, "gradient norm is not finite (NaN or Inf); step skipped");

        Optimizer.Step(Online.Parameters, gradients);
        UpdateCount++;
        if (Options.PolyakTau > 0f)
            Target.SoftUpdateFrom(Online, Options.PolyakTau);
        else if (UpdateCount % Options.TargetSyncInterval == 0)
            Target.CopyFrom(Online);

        double absSum = 0;
        for (var i = 0; i < n; i++)
        {
            var e = MathF.Abs(_td[i]);
            tdErrors[i] = e;
            absSum += e;
        }
        return new TrainStepResult(true, loss, meanQ, (float)(absSum / n), norm, UpdateCount, null);
    }

    /// <summary>The double-DQN bootstrap action of each row: the online argmax over the allowed actions of s'.</summary>
    private void ChooseNextActions(ReplayBatch batch, int n)
    {
        var actions = Spec.ActionCount;
        var obsSize = Spec.ObservationSize;
        var mask = NextActionMask;
        for (var i = 0; i < n; i++)
        {
            var qNext = _qNextOnline.AsSpan(i * actions, actions);
            if (batch.Terminated[i] || mask is null)
            {
                _best[i] = QNetwork.ArgmaxOf(qNext); // terminal rows do not bootstrap; any action will do
                continue;
            }
            mask(batch.NextObservations.AsSpan(i * obsSize, obsSize), _mask);
            _best[i] = QNetwork.ArgmaxOf(qNext, _mask);
        }
    }

    /// <summary>Copies action <paramref name="chosen"/>[i]'s feature row of observation i into the row buffer.</summary>
    private void GatherRows(float[] observations, int[] chosen, int n)
    {
        var f = Spec.ActionFeatures;
        var obsSize = Spec.ObservationSize;
        for (var i = 0; i < n; i++)
            observations.AsSpan(i * obsSize + chosen[i] * f, f).CopyTo(_rows.AsSpan(i * f, f));
    }
}
