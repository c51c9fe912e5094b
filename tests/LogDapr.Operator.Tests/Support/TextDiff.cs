using System.Text;

namespace LogDapr.Operator.Tests.Support;

/// <summary>A unified-style line diff for failure messages (LCS; the files compared are a few thousand lines at most).</summary>
public static class TextDiff
{
    public static string Unified(string expected, string actual, string expectedName = "expected", string actualName = "actual", int context = 3)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var lines = new List<(char Op, string Text, int LineA, int LineB)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add((' ', a[x], x + 1, y + 1));
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                lines.Add(('+', b[y], x + 1, y + 1));
                y++;
            }
            else
            {
                lines.Add(('-', a[x], x + 1, y + 1));
                x++;
            }
        }

        var output = new StringBuilder();
        output.Append("--- ").Append(expectedName).Append('\n').Append("+++ ").Append(actualName).Append('\n');
        var shown = new bool[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Op != ' ')
            {
                for (var k = Math.Max(0, i - context); k <= Math.Min(lines.Count - 1, i + context); k++)
                {
                    shown[k] = true;
                }
            }
        }
        var previousShown = false;
        for (var i = 0; i < lines.Count; i++)
        {
            if (!shown[i])
            {
                previousShown = false;
                continue;
            }
            if (!previousShown)
            {
                output.Append($"@@ line {lines[i].LineA} (expected) / {lines[i].LineB} (actual) @@\n");
            }
            output.Append(lines[i].Op).Append(lines[i].Text).Append('\n');
            previousShown = true;
        }
        return output.ToString();
    }
}
