using ActorTrainer.Training.Checkpoints;
using ActorTrainer.Training.Runs;

namespace ActorTrainer.Training.Tests.Checkpoints;

public sealed class CheckpointSlotTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "at-slot-" + Guid.NewGuid().ToString("N"));

    public CheckpointSlotTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Replace_swaps_the_whole_folder_and_leaves_no_temporary_files()
    {
        var slot = new CheckpointSlot(_root, "latest");
        slot.Replace(dir => File.WriteAllText(Path.Combine(dir, "a.txt"), "one"));
        slot.Replace(dir => File.WriteAllText(Path.Combine(dir, "b.txt"), "two"));

        Assert.Equal(slot.Path, slot.ResolveReadable());
        Assert.False(File.Exists(Path.Combine(slot.Path, "a.txt")));
        Assert.Equal("two", File.ReadAllText(Path.Combine(slot.Path, "b.txt")));
        Assert.Equal("latest", Path.GetFileName(Assert.Single(Directory.GetFileSystemEntries(_root))));
    }

    [Fact]
    public void A_failed_write_keeps_the_previous_version()
    {
        var slot = new CheckpointSlot(_root, "latest");
        slot.Replace(dir => File.WriteAllText(Path.Combine(dir, "weights"), "good"));

        Assert.Throws<IOException>(() => slot.Replace(dir =>
        {
            File.WriteAllText(Path.Combine(dir, "weights"), "half");
            throw new IOException("disk full");
        }));

        Assert.Equal("good", File.ReadAllText(Path.Combine(slot.ResolveReadable()!, "weights")));
        Assert.Single(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public void A_crash_between_the_two_renames_still_resolves_to_the_last_complete_version()
    {
        var slot = new CheckpointSlot(_root, "latest");
        slot.Replace(dir => File.WriteAllText(Path.Combine(dir, "weights"), "v1"));
        // What a crash after "latest -> latest.old" but before "staging -> latest" leaves behind.
        Directory.Move(slot.Path, slot.Path + ".old");

        Assert.Equal(slot.Path + ".old", slot.ResolveReadable());
        var run = RunDirectory.OpenExisting(_root);
        Assert.NotNull(run.Latest.ResolveReadable());
    }

    [Fact]
    public void A_folder_without_the_completion_marker_is_not_readable()
    {
        var torn = Path.Combine(_root, "latest");
        Directory.CreateDirectory(torn);
        File.WriteAllText(Path.Combine(torn, "weights"), "torn");
        Assert.Null(CheckpointSlot.ResolveReadable(torn));
        var ex = Assert.Throws<InvalidDataException>(() => RunDirectory.OpenExisting(_root));
        Assert.Contains("no complete latest/ checkpoint", ex.Message);
    }

    [Fact]
    public void Opening_a_missing_run_says_what_to_pass()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => RunDirectory.OpenExisting(Path.Combine(_root, "nope")));
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void New_runs_get_distinct_folders()
    {
        var now = DateTimeOffset.UtcNow;
        var a = RunDirectory.CreateNew(_root, "CartPole-v1", now);
        var b = RunDirectory.CreateNew(_root, "CartPole-v1", now);
        Assert.NotEqual(a.Path, b.Path);
        Assert.True(Directory.Exists(a.LogDirectory));
    }

    [Fact]
    public void Atomic_write_replaces_content_whole()
    {
        var file = Path.Combine(_root, "config.json");
        AtomicFile.WriteAllText(file, "first");
        AtomicFile.WriteAllText(file, "second");
        Assert.Equal("second", File.ReadAllText(file));
        Assert.Single(Directory.GetFiles(_root));
    }
}
