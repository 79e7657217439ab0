namespace ActorTrainer.Actors;

/// <summary>Validation rules for actor and system names.</summary>
public static class ActorName
{
    public const string AllowedDescription =
        "letters, digits and -_.*$+:@&=,!~';, not empty and not starting with '$'";

    private const string Punctuation = "-_.*$+:@&=,!~';";

    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name[0] == '$') return false;
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !char.IsLetterOrDigit(c) && Punctuation.IndexOf(c) < 0) return false;
        }
        return true;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the bad value and the rule.</summary>
    public static void Validate(string? name, string paramName = "name")
    {
        if (!IsValid(name))
            throw new ArgumentException($"invalid actor name '{name}': allowed are {AllowedDescription}", paramName);
    }
}
