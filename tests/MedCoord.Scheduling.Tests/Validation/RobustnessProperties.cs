using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Xunit;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Validation;

/// <summary>Whatever the input, the reader answers with errors or a problem, and a problem it accepts can be solved.</summary>
public sealed class RobustnessProperties
{
    private static readonly string ExampleText = File.ReadAllText(TestData("clinic-small.json"));

    private static readonly JsonNode?[] Replacements =
    [
        null, JsonValue.Create(0), JsonValue.Create(-1), JsonValue.Create(1.5), JsonValue.Create("x"), JsonValue.Create(""),
        JsonValue.Create(true), JsonValue.Create("24:00"), JsonValue.Create("2026-12-08"), JsonValue.Create("2026-12-08T10:00:00+01:00"),
        JsonValue.Create("r-01"), JsonValue.Create("main"), JsonValue.Create(long.MaxValue), JsonValue.Create(100), JsonValue.Create("Europe/Paris"),
    ];

    [Property(MaxTest = 300)]
    public void TryParse_TextEdits_NeverThrows(NonNegativeInt position, NonNegativeInt length, char inserted)
    {
        var at = position.Get % ExampleText.Length;
        var text = ExampleText.Remove(at, Math.Min(length.Get % 8, ExampleText.Length - at)).Insert(at, inserted.ToString());

        var errors = ProblemFile.TryParse(text, out var problem);

        Assert.True(errors.Count > 0 ^ problem is not null);
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Path)));
    }

    [Property(MaxTest = 150)]
    public void TryParse_ValueSwaps_NeverThrowsAndAcceptedProblemsSolve(NonNegativeInt seed)
    {
        var rng = new Random(seed.Get);
        var root = JsonNode.Parse(ExampleText)!;
        var values = new List<JsonNode>();
        Collect(root, values);
        for (var i = 0; i < 1 + rng.Next(3); i++)
        {
            var target = values[rng.Next(values.Count)];
            var replacement = Replacements[rng.Next(Replacements.Length)]?.DeepClone();
            switch (target.Parent)
            {
                case JsonObject o:
                    o[target.GetPropertyName()] = replacement;
                    break;
                case JsonArray a:
                    a[target.GetElementIndex()] = replacement;
                    break;
            }

            values.Clear();
            Collect(root, values);
        }

        var errors = ProblemFile.TryParse(root.ToJsonString(), out var problem);

        if (problem is not null)
        {
            var schedule = new AppointmentScheduler().Solve(problem, new SolveOptions(Duration.FromSeconds(5), 1, 0));
            Assert.Empty(ScheduleVerifier.Violations(problem, schedule));
        }
        else
        {
            Assert.NotEmpty(errors);
        }
    }

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        if (node.Parent is not null)
        {
            into.Add(node);
        }

        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o.ToList())
                {
                    if (child is not null)
                    {
                        Collect(child, into);
                    }
                }

                break;
            case JsonArray a:
                foreach (var child in a.ToList())
                {
                    if (child is not null)
                    {
                        Collect(child, into);
                    }
                }

                break;
        }
    }
}
