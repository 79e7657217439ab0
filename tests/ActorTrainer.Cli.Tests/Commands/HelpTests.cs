using System.CommandLine;
using System.Reflection;
using ActorTrainer.Cli.Commands;
using ActorTrainer.Cli.Commands.Train;
using ActorTrainer.Training.Configuration;

namespace ActorTrainer.Cli.Tests.Commands;

/// <summary>--help of every command, --version and the error style, through the real CLI entry point.</summary>
public sealed class HelpTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliHost.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    // Every command that does something (leaves of the tree), as the words that select it.
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        void Walk(Command c, string path)
        {
            if (c.Action is not null && c is CliCommand) data.Add(path);
            foreach (var sub in c.Subcommands) Walk(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}");
        }
        Walk(CommandTable.Build(), "");
        return data;
    }

    private static Command Find(string path) =>
        path.Split(' ').Aggregate((Command)CommandTable.Build(), (c, word) => c.Subcommands.Single(s => s.Name == word));

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_has_help_with_its_options_their_defaults_and_an_example(string path)
    {
        var (code, output, err) = await Run([.. path.Split(' '), "--help"]);
        Assert.True(code == CliHost.ExitOk, err);
        Assert.Contains("Usage:", output);
        var command = (CliCommand)Find(path);
        Assert.Contains(command.Description!, output);
        foreach (var option in command.Options.Where(o => !o.Hidden))
        {
            var row = output.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith(option.Name + " ", StringComparison.Ordinal) ||
                                                             l.Contains(", " + option.Name + " ", StringComparison.Ordinal));
            Assert.True(row is not null, $"{path} --help does not list {option.Name}:\n{output}");
            // A flag is off unless given; every option with a value shows its default.
            if (option.HasDefaultValue && option.ValueType != typeof(bool)) Assert.Contains("[default:", row);
        }
        Assert.Contains("Examples:", output);
        Assert.NotEmpty(command.Examples);
        foreach (var example in command.Examples)
        {
            Assert.Contains(example, output);
            Assert.Contains($"actortrainer {path}", example);
        }
    }

    [Fact]
    public async Task Train_help_lists_every_configuration_key_with_a_meaning_and_a_default()
    {
        var (code, output, _) = await Run("train", "--help");
        Assert.Equal(CliHost.ExitOk, code);
        foreach (var key in TrainingConfigJson.Keys)
        {
            Assert.True(TrainingConfigHelp.Has(key), $"configuration key '{key}' has no meaning for --help in TrainingConfigHelp");
            var row = output.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith($"--{key} ", StringComparison.Ordinal));
            Assert.True(row is not null, $"--{key} missing from train --help");
            Assert.Contains("[default:", row);
        }
        Assert.Contains("[default: per env; CartPole-v1: 64]", output); // batch-size differs between environments
        Assert.Contains("--gamma <X>", output);
    }

    [Fact]
    public async Task Root_help_lists_the_commands_and_groups_list_theirs()
    {
        var (code, output, _) = await Run("--help");
        Assert.Equal(CliHost.ExitOk, code);
        foreach (var name in new[] { "train", "eval", "play", "ctl", "env", "model", "bench", "completion" })
            Assert.Contains($"  {name}", output);

        var bench = await Run("bench", "--help");
        Assert.Equal(CliHost.ExitOk, bench.Code);
        foreach (var name in new[] { "env", "nn", "rollout", "memory", "dashboard", "cluster" })
            Assert.Contains($"  {name}", bench.Out);
    }

    [Fact]
    public async Task Version_prints_the_assembly_version()
    {
        var (code, output, _) = await Run("--version");
        Assert.Equal(CliHost.ExitOk, code);
        var version = typeof(CliHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(version, output.Trim());
    }

    [Fact]
    public async Task A_usage_error_exits_2_with_one_error_style_and_a_hint_to_help()
    {
        var bad = await Run("train", "--gamma", "abc", "--runners", "x");
        Assert.Equal(CliHost.ExitUsage, bad.Code);
        var lines = bad.Err.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Contains("error: --gamma must be a number, got 'abc'", lines);
        Assert.Contains("error: --runners must be a whole number, got 'x'", lines);
        Assert.Equal("see: actortrainer train --help", lines[^1]);
        Assert.All(lines[..^1], l => Assert.StartsWith("error: ", l));
        Assert.Empty(bad.Out);

        var unknown = await Run("trian");
        Assert.Equal(CliHost.ExitUsage, unknown.Code);
        Assert.Contains("error: unknown command 'trian'", unknown.Err);
        Assert.Contains("see: actortrainer --help", unknown.Err);

        var none = await Run();
        Assert.Equal(CliHost.ExitUsage, none.Code);
        Assert.Contains("error: actortrainer needs a command: train, eval", none.Err);

        var group = await Run("bench");
        Assert.Equal(CliHost.ExitUsage, group.Code);
        Assert.Contains("error: actortrainer bench needs a command: env, nn, rollout, memory, external, dashboard", group.Err);

        // Errors found by a command after parsing read the same.
        var late = await Run("bench", "env", "--env-settings", "observation=board");
        Assert.Equal(CliHost.ExitUsage, late.Code);
        Assert.StartsWith("error: --env-settings applies to one environment", late.Err);
        Assert.Contains("see: actortrainer bench env --help", late.Err);
    }

    [Fact]
    public async Task Range_errors_name_the_option_and_the_allowed_range()
    {
        var (code, _, err) = await Run("eval", "--model", "x", "--episodes", "0");
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("error: --episodes must be between 1 and 1000000, got 0", err);
        var fps = await Run("play", "--model", "x", "--fps", "5000");
        Assert.Equal(CliHost.ExitUsage, fps.Code);
        Assert.Contains("--fps must be between 0.01 and 1000, got 5000", fps.Err);
    }
}
