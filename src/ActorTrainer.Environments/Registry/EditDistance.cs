namespace ActorTrainer.Environments;

/// <summary>Levenshtein distance, case-insensitive, for did-you-mean suggestions.</summary>
public static class EditDistance
{
    public static int Between(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }

    /// <summary>The closest candidate, if it is within a third of the longer name (at least 2 edits allowed).</summary>
    public static string? Closest(string query, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = Between(query, c);
            if (d < bestDistance)
            {
                best = c;
                bestDistance = d;
            }
        }
        if (best is null) return null;
        var allowed = Math.Max(2, Math.Max(query.Length, best.Length) / 3);
        return bestDistance <= allowed ? best : null;
    }
}
