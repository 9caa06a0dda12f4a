using System.Diagnostics;
using System.Xml.Linq;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Pictures;

/// <summary>
/// A browser test that runs where Chromium is installed. CI installs it and sets MEDCOORD_REQUIRE_CHROMIUM=1, so
/// there a missing browser fails the test instead of skipping it.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null && Environment.GetEnvironmentVariable("MEDCOORD_REQUIRE_CHROMIUM") != "1")
        {
            Skip = "Chromium is not installed (apt-get install chromium)";
        }
    }
}

/// <summary>Finds a headless-capable Chromium on PATH.</summary>
public static class Chromium
{
    public static string? Path { get; } = new[] { "chromium", "chromium-browser", "google-chrome", "chrome" }
        .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator).Select(dir => System.IO.Path.Combine(dir, name)))
        .FirstOrDefault(File.Exists);

    /// <summary>Runs Chromium headless with the arguments; returns its standard output.</summary>
    public static string Run(params string[] args)
    {
        Assert.True(Path is not null, "Chromium is required here (MEDCOORD_REQUIRE_CHROMIUM=1) but was not found on PATH");
        var start = new ProcessStartInfo(Path!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=" + Directory.CreateTempSubdirectory("medcoord-chromium-").FullName }.Concat(args))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "Chromium did not finish within 120 s");
        Assert.True(process.ExitCode == 0, $"Chromium exited with code {process.ExitCode}");
        return stdout.Result;
    }
}

/// <summary>Browser runs are heavy on two cores: they run alone, not beside other test classes.</summary>
[CollectionDefinition("Chromium", DisableParallelization = true)]
public sealed class ChromiumCollection
{
}

[Collection("Chromium")]
public sealed class ScheduleHtmlTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-html-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (Problem Problem, Schedule Schedule) Example()
    {
        var problem = ProblemFile.Parse(File.ReadAllText(TestData("clinic-small.json")));
        return (problem, new AppointmentScheduler().Solve(problem, Quick()));
    }

    [Fact]
    public void Render_Example_IsSelfContainedWellFormedAndShowsEveryAppointmentAndReason()
    {
        var (problem, schedule) = Example();
        schedule = schedule with
        {
            Unscheduled = [.. schedule.Unscheduled, new UnscheduledRequest("r-<odd>&", UnscheduledReason.CapacityTaken, "quotes \" and <tags>")],
        };

        var html = ScheduleHtml.Render(problem, schedule);

        var page = XDocument.Parse(html);
        XNamespace svg = "http://www.w3.org/2000/svg";
        Assert.Equal(schedule.Assignments.Count(a => a.ProviderId is not null) + schedule.Assignments.Count(a => a.RoomId is not null),
            page.Descendants(svg + "rect").Count(r => (string?)r.Attribute("class") == "appointment"));
        Assert.All(schedule.Assignments, a => Assert.Contains($"{a.RequestId} (", html));
        Assert.Contains("r-&lt;odd&gt;&amp;", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("src=", html);
        Assert.DoesNotContain("url(", html);
        Assert.Equal(problem.AppointmentTypes.Count, page.Descendants().Count(e => e.Name.LocalName == "i"));
    }

    [Fact]
    public void Render_DaylightSavingDay_PlacesAppointmentsOnTheLocalClock()
    {
        var problem = Problem("2026-03-08", "2026-03-08",
            [Facility("main", "America/New_York")], [], [Provider("dr-a", "gp", "main", Week("01:00", "04:00"))],
            [Patient("p1"), Patient("p2")], [Type("call", 60, "gp")],
            [Request("early", "p1", "call"), Request("late", "p2", "call")]);
        var schedule = SolveVerified(problem);

        var html = ScheduleHtml.Render(problem, schedule);

        // Two real hours, 01:00–04:00 local: the calls start at 01:00 and 03:00 local (02:00–03:00 does not exist), so
        // on an axis from 01:00 the bars start at 0 and 2 hours (80 pixels an hour after the 170-pixel labels).
        var bars = XDocument.Parse(html).Descendants().Where(e => (string?)e.Attribute("class") == "appointment")
            .Select(e => double.Parse((string)e.Attribute("x")!, System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal([170.0, 330.0], bars);
    }

    [Fact]
    public void Render_RoomOfSeveralPlaces_DrawsARowPerPlaceWithNoOverlapInARow()
    {
        var problem = Problem("2026-12-07", "2026-12-07",
            [Facility("main", "America/New_York", Week("08:00", "12:00"))],
            [Room("chairs", "main", "infusion") with { Capacity = 3 }], [],
            Enumerable.Range(0, 6).Select(i => Patient($"p{i}")),
            [Type("infusion", 120, null, ["infusion"])],
            Enumerable.Range(0, 6).Select(i => Request($"r{i}", $"p{i}", "infusion")));
        var schedule = SolveVerified(problem);

        var page = XDocument.Parse(ScheduleHtml.Render(problem, schedule));

        var labels = page.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).Where(v => v.StartsWith("room ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["room chairs #1", "room chairs #2", "room chairs #3"], labels);
        var rows = page.Descendants().Where(e => (string?)e.Attribute("class") == "appointment")
            .Select(e => (Y: (string)e.Attribute("y")!, X: double.Parse((string)e.Attribute("x")!, System.Globalization.CultureInfo.InvariantCulture),
                Width: double.Parse((string)e.Attribute("width")!, System.Globalization.CultureInfo.InvariantCulture)))
            .GroupBy(r => r.Y).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, row => Assert.All(row.Zip(row.Skip(1)), pair => Assert.True(pair.First.X + pair.First.Width <= pair.Second.X || pair.Second.X + pair.Second.Width <= pair.First.X)));
    }

    [ChromiumFact]
    public void Render_ExampleAndTwoThousandRequests_RenderInChromium()
    {
        var (problem, schedule) = Example();
        var small = Path.Combine(_dir, "small.html");
        File.WriteAllText(small, ScheduleHtml.Render(problem, schedule));
        var large = RandomProblems.Create(5, 2000, withFixed: false);
        var largeSchedule = new AppointmentScheduler().Solve(large, Quick(5));
        var big = Path.Combine(_dir, "large.html");
        File.WriteAllText(big, ScheduleHtml.Render(large, largeSchedule));

        foreach (var (file, booked) in new[] { (small, schedule.Assignments.Count), (big, largeSchedule.Assignments.Count) })
        {
            var dom = Chromium.Run("--dump-dom", new Uri(file).AbsoluteUri);
            Assert.Contains("<svg", dom);
            Assert.True(System.Text.RegularExpressions.Regex.Count(dom, "class=\"appointment\"") >= booked, $"{file}: fewer bars than {booked} bookings");
            var png = Path.Combine(_dir, Path.GetFileNameWithoutExtension(file) + ".png");
            Chromium.Run($"--screenshot={png}", "--window-size=1400,900", new Uri(file).AbsoluteUri);
            Assert.True(new FileInfo(png).Length > 10_000, $"{png} is missing or blank");
        }
    }
}
