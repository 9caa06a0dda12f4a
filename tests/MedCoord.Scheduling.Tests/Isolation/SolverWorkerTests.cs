using MedCoord.Scheduling.Isolation;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Isolation;

public sealed class SolverWorkerTests
{
    private static string Line(string json) => WorkerProtocol.Compact(json);

    [Fact]
    public void Run_ProblemThenEndOfInput_WritesHelloReadyProgressAndTheSchedule()
    {
        var problem = Example() with { Options = new SolveOptions(Duration.FromSeconds(5), 1, 0) };
        var output = new StringWriter();
        var error = new StringWriter();

        var code = SolverWorker.Run(new StringReader(Line(ProblemFile.Serialize(problem)) + "\n"), output, error);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error.ToString());
        Assert.Equal(["medcoord-worker 1", "ready"], lines[..2]);
        Assert.All(lines[2..^1], l => Assert.NotNull(WorkerProtocol.ParseProgress(WorkerProtocol.Split(l).Payload)));
        Assert.StartsWith("schedule {", lines[^1]);
        var schedule = ScheduleFile.Parse(WorkerProtocol.Split(lines[^1]).Payload);
        Assert.Empty(ScheduleVerifier.Violations(problem, schedule));
        Assert.Equal(problem.Requests.Count, schedule.Assignments.Count + schedule.Unscheduled.Count);
    }

    [Fact]
    public void Run_Replan_WritesTheScheduleAndChangesThatPointIntoBothSchedules()
    {
        var problem = Example();
        var previous = SolveVerified(problem, Quick(3));
        var gone = problem.Requests.First(r => r.After.Count == 0 && !problem.Requests.Any(o => o.After.Any(a => a.RequestId == r.Id))
            && problem.Fixed.All(f => f.RequestId != r.Id) && previous.Assignments.Any(a => a.RequestId == r.Id)).Id;
        var changed = problem with { Requests = [.. problem.Requests.Where(r => r.Id != gone)] };
        var output = new StringWriter();

        var code = SolverWorker.Run(new StringReader($"{Line(ProblemFile.Serialize(changed))}\n{Line(ScheduleFile.Serialize(previous))}\nstop\n"), output, TextWriter.Null, replan: true);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, code);
        var schedule = ScheduleFile.Parse(WorkerProtocol.Split(lines[^2]).Payload);
        var changes = WorkerProtocol.ParseChanges(WorkerProtocol.Split(lines[^1]).Payload, previous, schedule);
        Assert.NotNull(changes);
        var dropped = Assert.Single(changes, c => c.RequestId == gone);
        Assert.Equal((AppointmentChangeKind.Dropped, "the request is no longer in the problem"), (dropped.Kind, dropped.Reason));
        Assert.Same(previous.Assignments.Single(a => a.RequestId == gone), dropped.Before);
    }

    [Fact]
    public void Run_BadProblem_ExitsTwoListingEachErrorAndWritesNoSchedule()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = SolverWorker.Run(new StringReader("{\"formatVersion\": 1}\n"), output, error);

        Assert.Equal(2, code);
        Assert.Equal("medcoord-worker 1\n", output.ToString().ReplaceLineEndings("\n"));
        Assert.Contains("problem: horizon: required field is missing", error.ToString());
    }

    [Fact]
    public void Run_NoInput_ExitsTwoSayingTheProblemIsMissing()
    {
        var error = new StringWriter();

        var code = SolverWorker.Run(new StringReader(string.Empty), TextWriter.Null, error);

        Assert.Equal(2, code);
        Assert.Equal("problem: missing; the input ended first", error.ToString().Trim());
    }

    [Fact]
    public void Run_ReplanWithoutThePreviousSchedule_ExitsTwoSayingItIsMissing_BeforeReady()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = SolverWorker.Run(new StringReader(Line(ProblemFile.Serialize(Example())) + "\n"), output, error, replan: true);

        Assert.Equal(2, code);
        Assert.Equal("medcoord-worker 1\n", output.ToString().ReplaceLineEndings("\n"));
        Assert.Equal("previous schedule: missing; the input ended first", error.ToString().Trim());
    }

    [Fact]
    public void Run_ReplanWithABadPreviousSchedule_ExitsTwoListingItsErrorsUnderItsName()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = SolverWorker.Run(new StringReader($"{Line(ProblemFile.Serialize(Example()))}\n{{\"formatVersion\": 1}}\n"), output, error, replan: true);

        Assert.Equal(2, code);
        Assert.Equal("medcoord-worker 1\n", output.ToString().ReplaceLineEndings("\n"));
        Assert.Equal(["previous schedule: assignments: required field is missing"], error.ToString().ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Run_WithoutReplan_IgnoresASecondLineAndSolves()
    {
        var problem = Example() with { Options = new SolveOptions(Duration.FromSeconds(5), 1, 0) };
        var output = new StringWriter();

        var code = SolverWorker.Run(new StringReader($"{Line(ProblemFile.Serialize(problem))}\nnot a schedule\n"), output, TextWriter.Null);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, code);
        Assert.StartsWith("schedule {", lines[^1]);
    }

    [Fact]
    public void Run_OutputFailsAfterHello_ExitsOneNamingTheErrorTypeAndMessage()
    {
        var error = new StringWriter();
        var output = new FailingWriter(linesBeforeFailure: 1);

        var code = SolverWorker.Run(new StringReader(Line(ProblemFile.Serialize(Example())) + "\n"), output, error);

        Assert.Equal(1, code);
        Assert.Equal("error: IOException: the host's pipe is closed", error.ToString().Trim());
    }

    [Fact]
    public void Run_StopLineWithSpaces_WhileTheInputStaysOpen_EndsTheSearchWithTheBestScheduleSoFar()
    {
        var problem = RandomProblems.Create(13, 300) with { Options = new SolveOptions(Duration.FromSeconds(60), 1, 0) };
        using var input = new OpenInput(Line(ProblemFile.Serialize(problem)), "  stop \t");
        var output = new StringWriter();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var code = SolverWorker.Run(input, output, TextWriter.Null);

        Assert.Equal(0, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the worker ran {clock.Elapsed} after the stop line");
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var schedule = ScheduleFile.Parse(WorkerProtocol.Split(lines[^1]).Payload);
        Assert.Empty(ScheduleVerifier.Violations(problem, schedule));
    }

    [Fact]
    public void Run_AnotherLineWhileTheInputStaysOpen_DoesNotStopTheSearch()
    {
        var problem = Example() with { Options = new SolveOptions(Duration.FromSeconds(20), 1, 0) };
        using var input = new OpenInput(Line(ProblemFile.Serialize(problem)), "stopping");
        var output = new StringWriter();

        var code = SolverWorker.Run(input, output, TextWriter.Null);

        Assert.Equal(0, code);
        var schedule = ScheduleFile.Parse(WorkerProtocol.Split(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).Payload);
        Assert.Equal(ScheduleStatus.Optimal, schedule.Status);
    }

    /// <summary>The lines as UTF-8, with <paramref name="bad"/> put in place of the first bytes of <paramref name="at"/> in line <paramref name="line"/>; and that byte's offset.</summary>
    private static (MemoryStream Input, long Offset) Spoiled(string[] lines, int line, string at, params byte[] bad)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
        var lineStart = lines.Take(line).Sum(l => System.Text.Encoding.UTF8.GetByteCount(l) + 1);
        var offset = lineStart + System.Text.Encoding.UTF8.GetBytes(lines[line]).AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(at));
        bad.CopyTo(bytes, offset);
        return (new MemoryStream(bytes), offset);
    }

    [Fact]
    public void Run_FromBytes_AProblemThatIsNotUtf8_ExitsTwoNamingTheByteOffset_NotTheText()
    {
        var problem = Line(ProblemFile.Serialize(Example()));
        var (input, offset) = Spoiled([problem], 0, "dr-okafor", 0xFF);
        var output = new StringWriter();
        var error = new StringWriter();

        var code = SolverWorker.Run(input, output, error);

        Assert.Equal(2, code);
        Assert.Equal("medcoord-worker 1\n", output.ToString().ReplaceLineEndings("\n"));
        Assert.Equal($"problem: $: invalid UTF-8 at byte offset {offset} (the file must be UTF-8)", error.ToString().Trim());
    }

    [Fact]
    public void Run_FromBytes_APreviousScheduleThatIsNotUtf8_IsNamedByItsOffsetInTheInput()
    {
        var example = Example();
        var lines = new[] { Line(ProblemFile.Serialize(example)), Line(ScheduleFile.Serialize(SolveVerified(example, Quick(3)))) };
        var (input, offset) = Spoiled(lines, 1, "assignments", 0xC0, 0xAF);
        var error = new StringWriter();

        var code = SolverWorker.Run(input, TextWriter.Null, error, replan: true);

        Assert.Equal(2, code);
        Assert.True(offset > lines[0].Length);
        Assert.Equal($"previous schedule: $: invalid UTF-8 at byte offset {offset} (the file must be UTF-8)", error.ToString().Trim());
    }

    [Fact]
    public void Run_FromBytes_ALaterLineThatIsNotUtf8_IsNoStop_AndAStopAfterItIsRead()
    {
        var problem = RandomProblems.Create(13, 300) with { Options = new SolveOptions(Duration.FromSeconds(60), 1, 0) };
        var (bytes, _) = Spoiled([Line(ProblemFile.Serialize(problem)), "st\u00e9p", "stop"], 1, "\u00e9", 0xFF);
        var output = new StringWriter();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var code = SolverWorker.Run(bytes, output, TextWriter.Null);

        Assert.Equal(0, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the worker ran {clock.Elapsed} after the stop line");
        var schedule = ScheduleFile.Parse(WorkerProtocol.Split(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).Payload);
        Assert.Empty(ScheduleVerifier.Violations(problem, schedule));
    }

    [Fact]
    public void Run_ALaterLineThatIsNotUtf8WhileTheInputStaysOpen_DoesNotStopTheSearch()
    {
        var problem = Example() with { Options = new SolveOptions(Duration.FromSeconds(20), 1, 0) };
        using var input = new OpenInput(Line(ProblemFile.Serialize(problem)), null);
        var output = new StringWriter();

        var code = SolverWorker.Run(input, output, TextWriter.Null);

        Assert.Equal(0, code);
        var schedule = ScheduleFile.Parse(WorkerProtocol.Split(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).Payload);
        Assert.Equal(ScheduleStatus.Optimal, schedule.Status);
    }

    [Fact]
    public void ParseChanges_IndexOfAnotherRequest_IsRefused()
    {
        var previous = SolveVerified(Example(), Quick(3));

        var changes = WorkerProtocol.ParseChanges($"[{{\"request\":\"{previous.Assignments[1].RequestId}\",\"kind\":\"Dropped\",\"before\":0,\"after\":null,\"reason\":\"x\"}}]", previous, previous);

        Assert.Null(changes);
    }

    [Fact]
    public void Progress_FormattedAndParsed_RoundTrips()
    {
        var report = new SolveProgress(Duration.FromTicks(123_456_789), 41, 57, 2);

        var parsed = WorkerProtocol.ParseProgress(WorkerProtocol.Split(WorkerProtocol.FormatProgress(report)).Payload);

        Assert.Equal(report, parsed);
    }

    [Fact]
    public void ConservativeOption_FromTheCallOrTheProblem_ReachesTheSolveSettings()
    {
        var scheduler = new AppointmentScheduler();

        Assert.False(scheduler.Resolve(null, null).Conservative);
        Assert.True(scheduler.Resolve(new SolveOptions { Conservative = true }, null).Conservative);
        Assert.True(scheduler.Resolve(null, new SolveOptions { Conservative = true }).Conservative);
        Assert.False(scheduler.Resolve(new SolveOptions { Conservative = false }, new SolveOptions { Conservative = true }).Conservative);
    }

    [Fact]
    public void ConservativeOption_InTheProblemFile_IsReadAndWrittenBack()
    {
        var problem = Example() with { Options = new SolveOptions(Duration.FromSeconds(4)) { Conservative = true } };

        var text = ProblemFile.Serialize(problem);
        var read = ProblemFile.Parse(text);

        Assert.Contains("\"conservative\": true", text);
        Assert.True(read.Options!.Conservative);
        Assert.Null(ProblemFile.Parse(ProblemFile.Serialize(problem with { Options = new SolveOptions(Duration.FromSeconds(4)) })).Options!.Conservative);
    }

    [Fact]
    public void ConservativeOption_NotABoolean_IsAnErrorAtItsPath()
    {
        var text = ProblemFile.Serialize(Example() with { Options = new SolveOptions(Duration.FromSeconds(4)) { Conservative = true } })
            .Replace("\"conservative\": true", "\"conservative\": \"yes\"", StringComparison.Ordinal);

        var errors = ProblemFile.TryParse(text, out _);

        Assert.Equal("options.conservative: expected true or false, found a string", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Run_WithoutItsStreams_ThrowsNamingTheMissingOne()
    {
        Assert.Equal("input", Assert.Throws<ArgumentNullException>(() => SolverWorker.Run((Stream)null!, TextWriter.Null, TextWriter.Null)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentNullException>(() => SolverWorker.Run((TextReader)null!, TextWriter.Null, TextWriter.Null)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentNullException>(() => SolverWorker.Run(new StringReader(string.Empty), null!, TextWriter.Null)).ParamName);
        Assert.Equal("error", Assert.Throws<ArgumentNullException>(() => SolverWorker.Run(new StringReader(string.Empty), TextWriter.Null, null!)).ParamName);
    }

    [Fact]
    public void Run_EachLine_ReachesTheHostAsItIsWritten()
    {
        var problem = Example() with { Options = new SolveOptions(Duration.FromSeconds(5), 1, 0) };
        var output = new FlushRecordingWriter();

        Assert.Equal(0, SolverWorker.Run(new StringReader(Line(ProblemFile.Serialize(problem)) + "\n"), output, TextWriter.Null));

        var lines = output.ToString().Split(output.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 3, output.ToString());
        Assert.Equal(lines.Select((_, i) => string.Concat(lines[..(i + 1)].Select(l => l + output.NewLine))), output.Flushed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Run_AnInputThatBreaksAfterTheProblem_StopsTheSearchAsItsEndDoes(bool unexpectedFailure)
    {
        var problem = RandomProblems.Create(13, 300) with { Options = new SolveOptions(Duration.FromSeconds(60), 1, 0) };
        var output = new StringWriter();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Exception failure = unexpectedFailure ? new InvalidOperationException("the reader failed") : new IOException("the host's pipe broke");

        var code = SolverWorker.Run(new BrokenInput(Line(ProblemFile.Serialize(problem)), failure), output, TextWriter.Null);

        Assert.Equal(0, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the worker ran {clock.Elapsed} after its input broke");
        var schedule = ScheduleFile.Parse(WorkerProtocol.Split(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).Payload);
        Assert.Empty(ScheduleVerifier.Violations(problem, schedule));
    }

    /// <summary>Keeps the text written so far at every flush.</summary>
    private sealed class FlushRecordingWriter : StringWriter
    {
        public List<string> Flushed { get; } = [];

        public override void Flush()
        {
            Flushed.Add(ToString());
            base.Flush();
        }
    }

    /// <summary>Gives one line, then fails, as a broken pipe does (or with another failure).</summary>
    private sealed class BrokenInput(string line, Exception failure) : TextReader
    {
        private int _reads;

        public override string? ReadLine() => Interlocked.Increment(ref _reads) == 1 ? line : throw failure;
    }

    /// <summary>Writes a number of lines, then fails as a closed pipe does.</summary>
    private sealed class FailingWriter(int linesBeforeFailure) : StringWriter
    {
        private int _lines;

        public override void WriteLine(string? value)
        {
            if (_lines++ >= linesBeforeFailure)
            {
                throw new IOException("the host's pipe is closed");
            }

            base.WriteLine(value);
        }
    }

    /// <summary>The lines (null for one that is not UTF-8), then an input that stays open until disposed.</summary>
    private sealed class OpenInput(params string?[] lines) : TextReader
    {
        private readonly ManualResetEventSlim _closed = new();
        private int _next;

        public override string? ReadLine()
        {
            var i = Interlocked.Increment(ref _next) - 1;
            if (i < lines.Length)
            {
                return lines[i] ?? throw new InvalidDataException("invalid UTF-8 at byte offset 1 (the file must be UTF-8)");
            }

            _closed.Wait();
            return null;
        }

        protected override void Dispose(bool disposing)
        {
            _closed.Set();
            base.Dispose(disposing);
        }
    }
}
