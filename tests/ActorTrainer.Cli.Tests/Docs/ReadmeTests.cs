using System.Diagnostics;
using System.Text.RegularExpressions;
using ActorTrainer.Cli.Tests.Commands;

namespace ActorTrainer.Cli.Tests.Docs;

/// <summary>
/// The README stays short and true: its docs/ links (and the links between docs files) lead to files and headings
/// that exist, and every `actortrainer ...` line in its code blocks names real commands and flags, as the real
/// CLI's --help lists them.
/// </summary>
public sealed partial class ReadmeTests
{
    private const int MaxReadmeLines = 300;

    [Fact]
    public void The_readme_is_short()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md")).Length;
        Assert.True(lines <= MaxReadmeLines, $"README.md has {lines} lines; keep it at most {MaxReadmeLines} and move depth into docs/");
    }

    [Fact]
    public void Every_docs_link_resolves_to_a_file_and_heading_that_exist()
    {
        var root = RepositoryRoot();
        var files = new List<string> { Path.Combine(root, "README.md") };
        files.AddRange(Directory.GetFiles(Path.Combine(root, "docs"), "*.md"));
        var broken = new List<string>();
        var checkedLinks = 0;
        foreach (var file in files)
        {
            var text = StripCode(File.ReadAllText(file));
            foreach (Match m in MarkdownLink().Matches(text))
            {
                var target = m.Groups[1].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
                var hash = target.IndexOf('#');
                var pathPart = hash >= 0 ? target[..hash] : target;
                var anchor = hash >= 0 ? target[(hash + 1)..] : null;
                // The README must link into docs/ only through docs/...; docs files link to each other relatively.
                var resolved = pathPart.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, pathPart));
                checkedLinks++;
                var where = $"{Path.GetRelativePath(root, file)}: ({target})";
                if (!File.Exists(resolved) && !Directory.Exists(resolved)) { broken.Add($"{where} -> no such file {Path.GetRelativePath(root, resolved)}"); continue; }
                if (anchor is { Length: > 0 } && resolved.EndsWith(".md", StringComparison.Ordinal) && !Anchors(resolved).Contains(anchor))
                    broken.Add($"{where} -> no heading with anchor #{anchor} in {Path.GetRelativePath(root, resolved)}");
            }
        }
        Assert.True(checkedLinks > 10, $"only {checkedLinks} links found: is the link pattern still right?");
        Assert.True(broken.Count == 0, "broken links:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void The_readme_links_every_docs_topic_it_promises()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        foreach (var topic in new[] { "training", "library", "dashboard", "cluster", "environments", "external-environments", "learning-core", "benchmarks", "architecture", "metrics", "packages" })
            Assert.Contains($"](docs/{topic}.md)", readme);
    }

    [Fact]
    public void Every_actortrainer_line_in_the_readme_names_real_commands_and_flags()
    {
        var commandLines = ActortrainerLines(File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")));
        Assert.True(commandLines.Count >= 8, $"only {commandLines.Count} `actortrainer` lines found in README code blocks");
        var problems = new List<string>();
        var helpCache = new Dictionary<string, string>();
        foreach (var line in commandLines)
        {
            var problem = CheckCommandLine(line, helpCache);
            if (problem is not null) problems.Add(problem);
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_command_check_refuses_a_bogus_flag_and_a_bogus_command()
    {
        var helpCache = new Dictionary<string, string>();
        Assert.Null(CheckCommandLine("actortrainer train --env CartPole-v1 --until-solved", helpCache));
        Assert.Contains("--until-solve", CheckCommandLine("actortrainer train --env CartPole-v1 --until-solve", helpCache));
        Assert.Contains("--jsn", CheckCommandLine("actortrainer ctl status --jsn", helpCache));
        Assert.Contains("bogus", CheckCommandLine("actortrainer bogus --env CartPole-v1", helpCache));
    }

    /// <summary>Null when the line's command words and every --flag appear in the real CLI's help; else what is wrong.</summary>
    private static string? CheckCommandLine(string line, Dictionary<string, string> helpCache)
    {
        var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var words = new List<string>();
        var help = Help(words, helpCache);
        // Walk down the command tree while the next word is a subcommand listed by the current help.
        foreach (var token in tokens.Skip(1))
        {
            if (!Word().IsMatch(token) || !ListsSubcommand(help, token)) break;
            words.Add(token);
            help = Help(words, helpCache);
        }
        if (words.Count == 0) return $"`{line}`: '{tokens.ElementAtOrDefault(1)}' is not an actortrainer command";
        foreach (var token in tokens)
        {
            if (!token.StartsWith("--", StringComparison.Ordinal)) continue;
            var flag = token.Split('=')[0];
            if (!Regex.IsMatch(help, $@"(^|[\s,]){Regex.Escape(flag)}(?=[\s,]|$)", RegexOptions.Multiline))
                return $"`{line}`: actortrainer {string.Join(' ', words)} has no option {flag}";
        }
        return null;
    }

    private static bool ListsSubcommand(string help, string word)
    {
        var commands = help.IndexOf("\nCommands:", StringComparison.Ordinal);
        if (commands < 0) return false;
        return Regex.IsMatch(help[commands..], $@"^\s+{Regex.Escape(word)}(\s|$)", RegexOptions.Multiline);
    }

    private static string Help(List<string> words, Dictionary<string, string> cache)
    {
        var key = string.Join(' ', words);
        if (cache.TryGetValue(key, out var cached)) return cached;
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliProcess.Dll);
        foreach (var w in words) start.ArgumentList.Add(w);
        start.ArgumentList.Add("--help");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"actortrainer {key} --help exited {process.ExitCode}: {stderr.Result}");
        Assert.Contains("Usage:", output);
        return cache[key] = output;
    }

    /// <summary>Lines of fenced code blocks that run actortrainer (a "$ " prompt, comments and "\" continuations handled).</summary>
    private static List<string> ActortrainerLines(string markdown)
    {
        var result = new List<string>();
        var inCode = false;
        var pending = "";
        foreach (var raw in markdown.Replace("\r\n", "\n").Split('\n'))
        {
            if (raw.TrimStart().StartsWith("```", StringComparison.Ordinal)) { inCode = !inCode; continue; }
            if (!inCode) continue;
            var line = pending + raw.Trim();
            pending = "";
            if (line.EndsWith('\\')) { pending = line[..^1] + " "; continue; }
            if (line.StartsWith("$ ", StringComparison.Ordinal)) line = line[2..];
            var comment = line.IndexOf(" #", StringComparison.Ordinal);
            if (comment >= 0) line = line[..comment];
            line = line.Trim();
            if (line.StartsWith("actortrainer ", StringComparison.Ordinal)) result.Add(line);
        }
        return result;
    }

    // GitHub's heading anchors: lower case, punctuation dropped except '-' and '_', spaces to '-'.
    private static HashSet<string> Anchors(string file)
    {
        var anchors = new HashSet<string>();
        foreach (var line in StripCode(File.ReadAllText(file), keepInlineCode: true).Split('\n'))
        {
            var m = Heading().Match(line);
            if (!m.Success) continue;
            var text = m.Groups[1].Value.Trim().ToLowerInvariant();
            var slug = new string(text.Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-');
            var unique = slug;
            for (var i = 1; !anchors.Add(unique); i++) unique = $"{slug}-{i}";
        }
        return anchors;
    }

    private static string StripCode(string markdown, bool keepInlineCode = false)
    {
        var kept = new List<string>();
        var inCode = false;
        foreach (var line in markdown.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { inCode = !inCode; continue; }
            if (!inCode) kept.Add(keepInlineCode ? line : InlineCode().Replace(line, ""));
        }
        return string.Join('\n', kept);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorTrainer.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no ActorTrainer.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^#{1,6}\s+(.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^[a-z][a-z0-9-]*$")]
    private static partial Regex Word();
}
