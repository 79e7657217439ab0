using System.Collections.Frozen;
using System.Reflection;

namespace ActorTrainer.Dashboard.Hosting;

/// <summary>The page and uPlot, embedded at build time (see the csproj), served from memory.</summary>
internal static class StaticAssets
{
    private const string Prefix = "wwwroot/";

    public static FrozenDictionary<string, (byte[] Content, string ContentType)> Load()
    {
        var asm = typeof(StaticAssets).Assembly;
        var map = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in asm.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            using var s = asm.GetManifestResourceStream(name)!;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            map["/" + name[Prefix.Length..]] = (ms.ToArray(), ContentType(name));
        }
        if (!map.ContainsKey("/index.html") || !map.ContainsKey("/lib/uPlot.iife.min.js"))
            throw new InvalidOperationException($"dashboard assets are missing from {asm.GetName().Name}; rebuild ActorTrainer.Dashboard (it runs npm ci for uPlot)");
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };
}
