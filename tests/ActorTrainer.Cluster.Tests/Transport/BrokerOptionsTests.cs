using System.Net;
using System.Net.Sockets;
using ActorTrainer.Cluster.Transport;

namespace ActorTrainer.Cluster.Tests.Transport;

public sealed class BrokerOptionsTests
{
    [Fact]
    public void Parses_a_full_url_and_decodes_escapes()
    {
        var o = BrokerOptions.Parse("amqp://trainer:p%40ss%3Aw0rd@broker.local:5673/runs%2Fa");

        Assert.Equal("broker.local", o.Host);
        Assert.Equal(5673, o.Port);
        Assert.Equal("trainer", o.UserName);
        Assert.Equal("p@ss:w0rd", o.Password);
        Assert.Equal("runs/a", o.VirtualHost);
        Assert.False(o.UseTls);
    }

    [Theory]
    [InlineData("amqp://u:p@h", 5672, "/")]
    [InlineData("amqp://u:p@h/", 5672, "/")]
    [InlineData("amqp://u:p@h/%2F", 5672, "/")]
    [InlineData("amqps://u:p@h/prod", 5671, "prod")]
    public void Defaults_port_and_vhost(string url, int port, string vhost)
    {
        var o = BrokerOptions.Parse(url);
        Assert.Equal(port, o.Port);
        Assert.Equal(vhost, o.VirtualHost);
    }

    [Fact]
    public void Redacted_form_and_ToString_never_contain_the_password()
    {
        var o = BrokerOptions.Parse("amqp://trainer:TopSecret99@10.0.0.5:5672/");

        Assert.Equal("amqp://trainer:***@10.0.0.5:5672/", o.Redacted);
        Assert.DoesNotContain("TopSecret99", o.ToString());
        Assert.DoesNotContain("TopSecret99", $"{o}");
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("not a url", "not a valid URL")]
    [InlineData("http://u:p@h/", "scheme 'http'")]
    [InlineData("amqp://h:5672/", "user and a password")]
    [InlineData("amqp://onlyuser@h/", "user and a password")]
    [InlineData("amqp://u:SecretX@h/a/b", "single vhost segment")]
    [InlineData("amqp://u:SecretX@h/?heartbeat=5", "query")]
    public void Malformed_urls_are_rejected_with_what_is_allowed(string url, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => BrokerOptions.Parse(url));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("amqp://USER:PASS@HOST", ex.Message);
        Assert.DoesNotContain("SecretX", ex.Message);
    }

    [Fact]
    public void Resolve_prefers_the_given_url_then_the_environment_variable()
    {
        string? saved = Environment.GetEnvironmentVariable(BrokerOptions.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(BrokerOptions.EnvironmentVariable, "amqp://envuser:envpass@envhost:1234/");
            Assert.Equal("envhost", BrokerOptions.Resolve(null).Host);
            Assert.Equal("given", BrokerOptions.Resolve("amqp://a:b@given/").Host);

            Environment.SetEnvironmentVariable(BrokerOptions.EnvironmentVariable, "ftp://x");
            var bad = Assert.Throws<ArgumentException>(() => BrokerOptions.Resolve(null));
            Assert.Contains(BrokerOptions.EnvironmentVariable, bad.Message);

            Environment.SetEnvironmentVariable(BrokerOptions.EnvironmentVariable, null);
            var none = Assert.Throws<ArgumentException>(() => BrokerOptions.Resolve(null));
            Assert.Contains("--broker", none.Message);
            Assert.Contains(BrokerOptions.EnvironmentVariable, none.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(BrokerOptions.EnvironmentVariable, saved);
        }
    }

    [Fact]
    public async Task Unreachable_broker_fails_with_a_clear_error_after_bounded_attempts()
    {
        // A port nothing listens on: bind, read, release.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var broker = new BrokerOptions
        {
            Host = "127.0.0.1", Port = port, UserName = "u", Password = "NeverLogged1",
            ConnectAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(100), ConnectTimeout = TimeSpan.FromSeconds(2),
        };

        var ex = await Assert.ThrowsAsync<BrokerConnectionException>(() =>
            RabbitTransport.ConnectAsync(broker, new TransportOptions { ClusterName = "c", NodeId = "n" }).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(BrokerFailure.Unreachable, ex.Failure);
        Assert.Contains("not reachable after 2 attempts", ex.Message);
        Assert.Contains($"amqp://u:***@127.0.0.1:{port}/", ex.Message);
        Assert.DoesNotContain("NeverLogged1", ex.Message);
    }

    [Theory]
    [InlineData("bad.name", "n")]
    [InlineData("", "n")]
    [InlineData("c", "node with space")]
    public async Task Invalid_cluster_or_node_names_are_rejected_before_connecting(string cluster, string node)
    {
        var broker = new BrokerOptions { Host = "127.0.0.1", Port = 1, UserName = "u", Password = "p" };
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            RabbitTransport.ConnectAsync(broker, new TransportOptions { ClusterName = cluster, NodeId = node }));
        Assert.Contains("A-Z, a-z, 0-9", ex.Message);
    }
}
