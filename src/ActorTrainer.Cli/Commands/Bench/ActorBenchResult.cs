using System.Text.Json.Serialization;

namespace ActorTrainer.Cli.Commands.Bench;

/// <summary>What `bench actors` measures; JSON names are the ones the issue fixes.</summary>
public sealed record ActorBenchResult
{
    [JsonPropertyName("tell_1to1_msgs_per_s")] public double Tell1To1MsgsPerS { get; init; }
    [JsonPropertyName("fanin_8to1_msgs_per_s")] public double FanIn8To1MsgsPerS { get; init; }
    [JsonPropertyName("pingpong_roundtrips_per_s")] public double PingPongRoundTripsPerS { get; init; }
    [JsonPropertyName("pingpong_pairs")] public int PingPongPairs { get; init; }
    [JsonPropertyName("pingpong_inflight_per_pair")] public int PingPongInFlightPerPair { get; init; }
    [JsonPropertyName("pingpong_1inflight_roundtrips_per_s")] public double PingPongOneInFlightRoundTripsPerS { get; init; }
    [JsonPropertyName("pingpong_alloc_bytes_per_msg")] public double PingPongAllocBytesPerMsg { get; init; }
    [JsonPropertyName("spawn_actors_per_s")] public double SpawnActorsPerS { get; init; }
    [JsonPropertyName("ask_per_s")] public double AskPerS { get; init; }
    [JsonPropertyName("ask_p50_us")] public double AskP50Us { get; init; }
    [JsonPropertyName("ask_p99_us")] public double AskP99Us { get; init; }
    [JsonPropertyName("alloc_bytes_per_msg")] public double AllocBytesPerMsg { get; init; }
    [JsonPropertyName("channel_baseline_msgs_per_s")] public double ChannelBaselineMsgsPerS { get; init; }
    [JsonPropertyName("messages")] public long Messages { get; init; }
    [JsonPropertyName("processor_count")] public int ProcessorCount { get; init; }
    [JsonPropertyName("runs_per_figure")] public int Runs { get; init; }
}
