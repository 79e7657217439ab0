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
        // Parse errors (a bad number, a value out of range) are usage errors too: the CLI prints them and exits 2.
        if (parse.Errors.Count > 0) throw new UsageException(string.Join("; ", parse.Errors.Select(e => e.Message)));
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
    [InlineData("--allowed-hosts", "trainer.example")]
    [InlineData("--allowed-origins", "https://trainer.example")]
    [InlineData("--max-ws-clients", "4")]
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

    [Fact]
    public void Allowed_hosts_origins_and_the_websocket_cap_are_read_as_lists_and_a_number()
    {
        var defaults = Read("--dashboard")!;
        Assert.Empty(defaults.AllowedHosts);
        Assert.Empty(defaults.AllowedOrigins);
        Assert.Equal(32, defaults.MaxWebSocketClients);

        var o = Read("--dashboard", "--allowed-hosts", "trainer.example, localhost:8080", "--allowed-origins", "https://trainer.example",
            "--max-ws-clients", "4")!;
        Assert.Equal(["trainer.example", "localhost:8080"], o.AllowedHosts);
        Assert.Equal(["https://trainer.example"], o.AllowedOrigins);
        Assert.Equal(4, o.MaxWebSocketClients);
    }

    [Theory]
    [InlineData("--allowed-hosts", "http://trainer.example", "'http://trainer.example'")]
    [InlineData("--allowed-hosts", ",", "--allowed-hosts")]
    [InlineData("--allowed-origins", "trainer.example", "'trainer.example'")]
    [InlineData("--allowed-origins", "*", "'*'")]
    [InlineData("--max-ws-clients", "0", "--max-ws-clients")]
    [InlineData("--max-ws-clients", "many", "--max-ws-clients")]
    public void A_bad_entry_is_a_usage_error_naming_it(string name, string value, string named)
    {
        var ex = Assert.Throws<UsageException>(() => Read("--dashboard", name, value));
        Assert.Contains(named, ex.Message);
    }
}
