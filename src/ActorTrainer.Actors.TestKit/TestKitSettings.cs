using System.Globalization;

namespace ActorTrainer.Actors.TestKit;

/// <summary>
/// Default timeouts, multiplied by the environment variable ACTORTRAINER_TEST_TIMEFACTOR (a number >= 1, e.g. 3
/// on a slow or busy CI machine). Timeouts here only mean "give up waiting", never "must be this fast".
/// </summary>
public static class TestKitSettings
{
    public const string TimeFactorVariable = "ACTORTRAINER_TEST_TIMEFACTOR";

    public static double TimeFactor { get; } = ReadTimeFactor(Environment.GetEnvironmentVariable(TimeFactorVariable));

    /// <summary>Default for ExpectMsg and friends: 3 s times the factor.</summary>
    public static TimeSpan DefaultTimeout => Dilated(TimeSpan.FromSeconds(3));

    public static TimeSpan Dilated(TimeSpan duration) => duration * TimeFactor;

    public static double ReadTimeFactor(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return 1.0;
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) || !double.IsFinite(f) || f < 1)
            throw new ArgumentException($"{TimeFactorVariable} must be a number >= 1 (e.g. 2.5), got '{value}'", nameof(value));
        return f;
    }
}
