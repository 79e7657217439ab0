using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Cli.Tests.Parsing;

public sealed class ArgReaderTests
{
    [Fact]
    public void Reads_options_in_both_spellings_and_negative_numbers_as_values()
    {
        var a = new ArgReader(["--env", "CartPole-v1", "--seed=7", "--lr", "-0.5", "--json"]);
        Assert.Equal("CartPole-v1", a.String("--env"));
        Assert.Equal(7, a.Int("--seed"));
        Assert.Equal(-0.5, a.Double("--lr"));
        Assert.True(a.Flag("--json"));
        a.EnsureAllUsed();
    }

    [Fact]
    public void Unknown_option_names_what_the_command_accepts()
    {
        var a = new ArgReader(["--evn", "CartPole-v1"]);
        a.String("--env");
        var ex = Assert.Throws<UsageException>(a.EnsureAllUsed);
        Assert.Contains("--evn", ex.Message);
        Assert.Contains("--env", ex.Message);
    }

    [Fact]
    public void Out_of_range_and_malformed_numbers_say_what_is_allowed()
    {
        var a = new ArgReader(["--runners", "0", "--state", "1,x"]);
        var range = Assert.Throws<UsageException>(() => a.Int("--runners", 1, 256));
        Assert.Contains("between 1 and 256, got 0", range.Message);
        var list = Assert.Throws<UsageException>(() => a.Doubles("--state"));
        Assert.Contains("item 2", list.Message);
    }

    [Fact]
    public async Task Unknown_command_is_a_usage_error_with_the_command_list()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliHost.RunAsync(["trian"], stdout, stderr);
        Assert.Equal(CliHost.ExitUsage, code);
        Assert.Contains("unknown command 'trian'", stderr.ToString());
        Assert.Contains("commands:", stderr.ToString());
    }
}
