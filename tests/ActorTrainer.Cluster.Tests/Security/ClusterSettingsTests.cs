using ActorTrainer.Cluster.Hosting;
using ActorTrainer.Cluster.Security;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorTrainer.Cluster.Tests.Security;

/// <summary>What a node refuses to start with, and the environment it reads in containers.</summary>
public sealed class ClusterSettingsTests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    [InlineData("learner.example")]
    public void A_non_loopback_bind_without_TLS_is_refused_with_the_flag_that_would_allow_it(string hostname)
    {
        var settings = new ClusterNodeSettings { Role = ClusterRoles.Learner, Hostname = hostname, PublicHostname = "learner" };
        var e = Assert.Throws<ClusterConfigurationException>(settings.Validate);
        Assert.Contains($"refusing to bind the cluster port on {hostname} without TLS", e.Message);
        Assert.Contains("--insecure-cluster", e.Message);
        Assert.Contains("actortrainer certs", e.Message);

        (settings with { InsecureCluster = true }).Validate();
    }

    [Fact]
    public async Task The_hosting_extension_refuses_before_an_ActorSystem_binds()
    {
        var settings = new ClusterNodeSettings { Role = ClusterRoles.Learner, Hostname = "0.0.0.0", PublicHostname = "learner", Port = 0 };
        var e = await Assert.ThrowsAsync<ClusterConfigurationException>(async () =>
        {
            using var host = new HostBuilder()
                .ConfigureServices(s => s.AddAkka(settings.SystemName, b => b.WithActorTrainerCluster(settings)))
                .Build();
            await host.StartAsync();
        });
        Assert.Contains("--insecure-cluster", e.Message);
    }

    [Fact]
    public void Loopback_needs_no_TLS()
    {
        new ClusterNodeSettings { Role = ClusterRoles.Learner, Hostname = "127.0.0.1" }.Validate();
        new ClusterNodeSettings { Role = ClusterRoles.Learner, Hostname = "localhost" }.Validate();
        new ClusterNodeSettings { Role = ClusterRoles.Learner, Hostname = "::1" }.Validate();
    }

    [Fact]
    public void Bad_settings_are_refused_with_what_is_allowed()
    {
        Assert.Contains("allowed: learner, runner", Assert.Throws<ClusterConfigurationException>(new ClusterNodeSettings { Role = "trainer" }.Validate).Message);
        Assert.Contains("a runner node needs the learner's address", Assert.Throws<ClusterConfigurationException>(new ClusterNodeSettings { Role = ClusterRoles.Runner }.Validate).Message);
        var wrongSystem = new ClusterNodeSettings { Role = ClusterRoles.Runner, SeedNodes = ["akka.tcp://other@learner:4053"] };
        Assert.Contains("names system 'other'; this cluster's system is 'actortrainer'", Assert.Throws<ClusterConfigurationException>(wrongSystem.Validate).Message);
        var notAnAddress = new ClusterNodeSettings { Role = ClusterRoles.Runner, SeedNodes = ["learner:4053"] };
        Assert.Contains("must look like akka.tcp://actortrainer@HOST:PORT", Assert.Throws<ClusterConfigurationException>(notAnAddress.Validate).Message);
        var tlsSeedWithoutTls = new ClusterNodeSettings { Role = ClusterRoles.Runner, SeedNodes = ["akka.ssl.tcp://actortrainer@learner:4053"] };
        Assert.Contains("is a TLS address but this node has no TLS certificate", Assert.Throws<ClusterConfigurationException>(tlsSeedWithoutTls.Validate).Message);
        var wildcard = new ClusterNodeSettings { Role = ClusterRoles.Learner, Hostname = "0.0.0.0", InsecureCluster = true };
        Assert.Contains("needs a public hostname", Assert.Throws<ClusterConfigurationException>(wildcard.Validate).Message);
    }

    [Fact]
    public void The_environment_of_a_container_becomes_settings()
    {
        var env = new Dictionary<string, string>
        {
            [ClusterEnvironment.SeedNodes] = "learner, akka.ssl.tcp://actortrainer@10.0.0.5:4100",
            [ClusterEnvironment.Hostname] = "0.0.0.0",
            [ClusterEnvironment.PublicHostname] = "runner-7",
            [ClusterEnvironment.TlsCertificate] = "/certs/runner.pfx",
            [ClusterEnvironment.TlsPasswordFile] = "/certs/pfx-password",
            [ClusterEnvironment.TlsCa] = "/certs/ca.crt",
        };
        var settings = ClusterEnvironment.Read(ClusterRoles.Runner, n => env.GetValueOrDefault(n));
        Assert.Equal(["akka.ssl.tcp://actortrainer@learner:4053", "akka.ssl.tcp://actortrainer@10.0.0.5:4100"], settings.SeedNodes);
        Assert.Equal(("0.0.0.0", "runner-7", ClusterNodeSettings.DefaultPort), (settings.Hostname, settings.PublicHostname, settings.Port));
        Assert.Equal(new ClusterTlsFiles("/certs/runner.pfx", "/certs/pfx-password", "/certs/ca.crt"), settings.Tls);
        settings.Validate();

        env.Remove(ClusterEnvironment.TlsCa);
        var e = Assert.Throws<ClusterConfigurationException>(() => ClusterEnvironment.Read(ClusterRoles.Runner, n => env.GetValueOrDefault(n)));
        Assert.Contains("TLS needs all three", e.Message);
        env[ClusterEnvironment.Discovery] = "consul";
        env[ClusterEnvironment.TlsCa] = "/certs/ca.crt";
        Assert.Contains("allowed: seed-nodes (the default) or kubernetes", Assert.Throws<ClusterConfigurationException>(() => ClusterEnvironment.Read(ClusterRoles.Runner, n => env.GetValueOrDefault(n))).Message);
    }

    [Fact]
    public void Missing_TLS_files_are_named_with_how_to_make_them()
    {
        var files = new ClusterTlsFiles("/nonexistent/runner.pfx", "/nonexistent/pfx-password", "/nonexistent/ca.crt");
        var e = Assert.Throws<ClusterConfigurationException>(() => files.Load());
        Assert.Contains("/nonexistent/runner.pfx", e.Message);
        Assert.Contains("actortrainer certs", e.Message);
    }
}
