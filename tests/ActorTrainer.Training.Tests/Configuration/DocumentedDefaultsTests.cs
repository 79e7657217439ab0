using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorTrainer.Training.Configuration;

namespace ActorTrainer.Training.Tests.Configuration;

/// <summary>
/// docs/training.md states CartPole-v1's swept defaults as flags (its Results section); a user who copies them, or
/// reads them to compare a run, must get what `train --env CartPole-v1` really uses.
/// </summary>
public sealed partial class DocumentedDefaultsTests
{
    [Fact]
    public void CartPole_defaults_are_the_ones_docs_training_states()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "training.md"));
        var match = DocumentedCartPoleDefaults().Match(docs);
        Assert.True(match.Success, "docs/training.md has no line \"CartPole-v1 defaults: `--key value ...`\"");

        var words = match.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(words.Length % 2 == 0, $"the documented defaults are not --key value pairs: {match.Groups[1].Value}");
        using var json = JsonDocument.Parse(TrainingConfigJson.Serialize(TrainingDefaults.For("CartPole-v1")));
        var mismatches = new List<string>();
        for (var i = 0; i < words.Length; i += 2)
        {
            var key = words[i].TrimStart('-');
            if (!json.RootElement.TryGetProperty(key, out var actual))
            {
                mismatches.Add($"{key}: not a configuration key");
                continue;
            }
            if (!SameValue(words[i + 1], actual)) mismatches.Add($"{key}: docs say {words[i + 1]}, the default is {actual.GetRawText()}");
        }
        Assert.True(words.Length >= 10, $"only {words.Length / 2} keys documented; the swept ones are hidden, runners, n-steps, learning-rate, target-sync-interval");
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
    }

    private static bool SameValue(string documented, JsonElement actual) => actual.ValueKind switch
    {
        JsonValueKind.Array => documented == string.Join(',', actual.EnumerateArray().Select(e => e.GetRawText())),
        JsonValueKind.Number => double.TryParse(documented, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == actual.GetDouble(),
        JsonValueKind.String => documented == actual.GetString(),
        JsonValueKind.True or JsonValueKind.False => bool.TryParse(documented, out var b) && b == actual.GetBoolean(),
        _ => false,
    };

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorTrainer.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no ActorTrainer.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"CartPole-v1 defaults: `([^`]+)`")]
    private static partial Regex DocumentedCartPoleDefaults();
}
