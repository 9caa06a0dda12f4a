using System.Text.Json.Nodes;

namespace MedCoord.Cli.Tests;

/// <summary>The files and problems the console tests run on.</summary>
internal static class CliTestData
{
    /// <summary>A file copied to the test output's TestData folder (the samples, and the engine tests' X12 files under x12/).</summary>
    public static string TestData(string relative) => Path.Combine(AppContext.BaseDirectory, "TestData", relative);

    /// <summary>Short solves: 10 seconds at most, two workers, seed 0.</summary>
    public static SolveOptions Quick(int seconds = 10) => new(Duration.FromSeconds(seconds), 2, 0);

    /// <summary>The sample clinic-small.json with one change made to its JSON.</summary>
    public static string Mutated(Action<JsonObject> mutate)
    {
        var root = JsonNode.Parse(File.ReadAllText(TestData("clinic-small.json")))!.AsObject();
        mutate(root);
        return root.ToJsonString();
    }
}
