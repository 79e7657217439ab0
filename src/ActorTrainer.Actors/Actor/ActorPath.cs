namespace ActorTrainer.Actors;

/// <summary>Where an actor lives in its system's hierarchy, e.g. <c>/user/learner/runner-1</c>.</summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    private readonly string _full;

    private ActorPath(ActorPath? parent, string name, string full)
    {
        Parent = parent;
        Name = name;
        _full = full;
    }

    /// <summary>The root "/" of every hierarchy.</summary>
    public static ActorPath Root { get; } = new(null, "", "/");

    public ActorPath? Parent { get; }

    public string Name { get; }

    public ActorPath Child(string name) =>
        new(this, name, Parent is null ? "/" + name : _full + "/" + name);

    public bool Equals(ActorPath? other) => other is not null && string.Equals(_full, other._full, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as ActorPath);

    public override int GetHashCode() => _full.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => _full;

    public static bool operator ==(ActorPath? a, ActorPath? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(ActorPath? a, ActorPath? b) => !(a == b);
}
