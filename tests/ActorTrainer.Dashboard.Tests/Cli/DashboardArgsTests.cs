using System.CommandLine;
using ActorTrainer.Cli.Commands.Dashboard;
using ActorTrainer.Cli.Parsing;

namespace ActorTrainer.Dashboard.Tests.Cli;

public sealed class DashboardArgsTests
{
    private static DashboardOptions? Read(params string[] args)
    {
        var dashboard = new DashboardArgs();
        var command = new Command("train");
        foreach (var option in dashboard.All) command.Options.Add(option);
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        return dashboard.Read(parse);
    }

    [Fact]
    public void No_dashboard_flag_means_no_dashboard() => Assert.Null(Read());

    [Fact]
    public void Dashboard_binds_loopback_on_the_given_port_by_default()
    {
        Assert.Equal("http://127.0.0.1:5088", Read("--dashboard")!.Urls);
        Assert.Equal("http://127.0.0.1:6000", Read("--dashboard", "--port", "6000")!.Urls);
        var wide = Read("--dashboard", "--dashboard-urls", "http://0.0.0.0:5088", "--control-token", "abc")!;
        Assert.Equal(("http://0.0.0.0:5088", "abc"), (wide.Urls, wide.ControlToken));
    }

    [Theory]
    [InlineData("--port", "6000")]
    [InlineData("--control-token", "abc")]
    public void Dashboard_options_without_dashboard_are_a_usage_error(string name, string value)
    {
        var ex = Assert.Throws<UsageException>(() => Read(name, value));
        Assert.Contains("--dashboard", ex.Message);
    }

    [Fact]
    public void Port_and_urls_together_are_a_usage_error()
    {
        var ex = Assert.Throws<UsageException>(() => Read("--dashboard", "--port", "1", "--dashboard-urls", "http://127.0.0.1:2"));
        Assert.Contains("--port", ex.Message);
        Assert.Contains("--dashboard-urls", ex.Message);
    }
}
