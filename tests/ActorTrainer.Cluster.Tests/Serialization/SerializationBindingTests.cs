using ActorTrainer.Cluster.Serialization;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorTrainer.Cluster.Tests.Serialization;

/// <summary>
/// The binding on a real ActorSystem built by Akka.Hosting with <c>WithActorTrainerSerialization()</c>, with
/// <c>serialize-messages = on</c>: every message sent, even locally, goes through its serializer, and a type that would
/// fall back to another serializer fails the test.
/// </summary>
public sealed class SerializationBindingTests : IAsyncLifetime
{
    private IHost _host = null!;
    private ActorSystem _system = null!;

    public async Task InitializeAsync()
    {
        _host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka("binding", builder =>
            {
                builder.WithActorTrainerSerialization();
                builder.AddHocon("akka.actor.serialize-messages = on\nakka.actor.serialize-creators = off", HoconAddMode.Prepend);
            }))
            .Build();
        await _host.StartAsync();
        _system = _host.Services.GetRequiredService<ActorSystem>();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private sealed record NotBound(int X);

    [Fact]
    public void Every_cross_node_message_is_bound_to_the_ActorTrainer_serializer()
    {
        var serialization = _system.Serialization;
        var wrong = SampleMessages.All()
            .Select(m => (Type: m.GetType().Name, Serializer: serialization.FindSerializerFor(m)))
            .Where(p => p.Serializer is not ActorTrainerSerializer)
            .Select(p => $"{p.Type} -> {p.Serializer.GetType().Name}")
            .ToList();
        Assert.True(wrong.Count == 0, "messages that fall back to another serializer: " + string.Join(", ", wrong));
        Assert.Equal(ActorTrainerSerializer.SerializerId, serialization.FindSerializerFor(SampleMessages.Weights()).Identifier);
        // The check above can fail: an unbound record falls back to Akka's default.
        Assert.IsNotType<ActorTrainerSerializer>(serialization.FindSerializerFor(new NotBound(1)));
    }

    [Fact]
    public void Every_message_sent_with_serialize_messages_on_arrives_as_a_decoded_copy()
    {
        Assert.True(_system.Settings.SerializeAllMessages);
        using var kit = new Akka.TestKit.Xunit2.TestKit(_system);
        foreach (var message in SampleMessages.All())
        {
            kit.TestActor.Tell(message);
            var received = kit.ExpectMsg<object>(TimeSpan.FromSeconds(10));
            MessageAssert.Same(message, received);
            Assert.NotSame(message, received);
        }
    }
}
