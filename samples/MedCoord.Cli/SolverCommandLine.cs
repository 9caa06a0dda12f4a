using System.CommandLine;
using System.Globalization;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Validation;
using NodaTime;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>The console solver: <c>medcoord solve</c> and <c>medcoord validate</c>.</summary>
public static class SolverCommandLine
{
    /// <summary>Exit code: solved (even with unscheduled requests), or valid.</summary>
    public const int Success = 0;

    /// <summary>Exit code: anything unexpected.</summary>
    public const int Failure = 1;

    /// <summary>Exit code: bad input (problem file or command line).</summary>
    public const int BadInput = 2;

    /// <summary>Runs the command line.</summary>
    /// <param name="args">Arguments.</param>
    /// <param name="stdout">Where the summary goes.</param>
    /// <param name="stderr">Where errors go, one per line.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr) => RunAsync(args, stdout, stderr, Environment.GetEnvironmentVariable);

    /// <summary>Runs the command line with the environment variables (the keys) read from <paramref name="environment"/>.</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        var problemArgument = new Argument<string>("problem") { Description = "The problem file (format v1)." };
        var outOption = new Option<string?>("--out") { Description = "Write the schedule file (format v1) here." };
        var timeLimitOption = new Option<double?>("--time-limit") { Description = "Time limit in seconds (overrides the problem's options)." };
        var workersOption = new Option<int?>("--workers") { Description = "CP-SAT worker threads; 0 = the machine's core count." };
        var seedOption = new Option<int?>("--seed") { Description = "Random seed; with one worker the same seed gives the same schedule." };
        var htmlOption = new Option<string?>("--html") { Description = "Write a picture of the schedule here: one self-contained HTML page." };

        var solve = new Command("solve", "Solve a problem file and print a summary.")
        {
            problemArgument, outOption, timeLimitOption, workersOption, seedOption, htmlOption,
        };
        var validateArgument = new Argument<string>("problem") { Description = "The problem file (format v1)." };
        var validate = new Command("validate", "Check a problem file without solving it.") { validateArgument };

        var recommendProblem = new Argument<string>("problem") { Description = "The problem file (format v1)." };
        var bookOption = new Option<string>("--book") { Description = "The current book: a schedule file whose appointments stay where they are.", Required = true };
        var requestOption = new Option<string>("--request") { Description = "The request to find slots for.", Required = true };
        var topOption = new Option<int>("--top") { Description = "How many slots, best first.", DefaultValueFactory = _ => 10 };
        var stepOption = new Option<int>("--step") { Description = "Minutes between offered starts on the local clock.", DefaultValueFactory = _ => 15 };
        var slotsOutOption = new Option<string?>("--out") { Description = "Write the slots file (format v1.1) here." };
        var recommend = new Command("recommend", "The best slots for one request against a book, moving nothing.")
        {
            recommendProblem, bookOption, requestOption, topOption, stepOption, slotsOutOption,
        };

        var fillProblem = new Argument<string>("problem") { Description = "The problem file (format v1)." };
        var fillBook = new Option<string>("--book") { Description = "The current book (a schedule file).", Required = true };
        var cancelOption = new Option<string>("--cancel") { Description = "The booked request whose appointment is cancelled.", Required = true };
        var fillOut = new Option<string>("--out") { Description = "Write the new book (a schedule file) here.", Required = true };
        var fill = new Command("fill", "Cancel one appointment and offer its time to the waiting list, moving nothing else.")
        {
            fillProblem, fillBook, cancelOption, fillOut,
        };

        var replanProblem = new Argument<string>("problem") { Description = "The changed problem file (format v1)." };
        var previousOption = new Option<string>("--previous") { Description = "The schedule made before the change.", Required = true };
        var replanOut = new Option<string>("--out") { Description = "Write the new schedule here.", Required = true };
        var replanTime = new Option<double?>("--time-limit") { Description = "Time limit in seconds (overrides the problem's options)." };
        var replanWorkers = new Option<int?>("--workers") { Description = "CP-SAT worker threads; 0 = the machine's core count." };
        var replanSeed = new Option<int?>("--seed") { Description = "Random seed." };
        var replan = new Command("replan", "Re-plan a changed problem, keeping every appointment that still stands where it was.")
        {
            replanProblem, previousOption, replanOut, replanTime, replanWorkers, replanSeed,
        };

        Option<string?> DataKeyFile() => new("--data-key-file") { Description = $"A file holding the data key (32 bytes, base64); overrides {EngineKeys.DataVariable}." };
        Option<string?> AuditKeyFile() => new("--audit-key-file") { Description = $"A file holding the audit key (32 bytes, base64); overrides {EngineKeys.AuditVariable}." };
        var dbOption = new Option<string>("--db") { Description = "The engine's SQLite database file (opened read-only).", Required = true };
        var expectHeadOption = new Option<string?>("--expect-head") { Description = "A head printed by 'audit checkpoint' (SEQ:HASH): exit 1 if the log no longer reaches it." };
        var (verifyDataKey, verifyAuditKey) = (DataKeyFile(), AuditKeyFile());
        var verifyAudit = new Command("verify", "Check the audit chain and every record against it; exit 1 naming the first bad entry or record, 3 when keyed entries could not be checked without the audit key.")
        {
            dbOption, expectHeadOption, verifyDataKey, verifyAuditKey,
        };
        var checkpointDb = new Option<string>("--db") { Description = "The engine's SQLite database file (opened read-only).", Required = true };
        var (checkpointDataKey, checkpointAuditKey) = (DataKeyFile(), AuditKeyFile());
        var checkpoint = new Command("checkpoint", "Verify the audit chain and print its head, SEQ:HASH, as the last line, for an external witness.") { checkpointDb, checkpointDataKey, checkpointAuditKey };
        var audit = new Command("audit", "The engine's audit trail.") { verifyAudit, checkpoint };
        var demoDb = new Option<string>("--db") { Description = "A new SQLite database file to run the day into.", Required = true };
        var (demoDataKey, demoAuditKey) = (DataKeyFile(), AuditKeyFile());
        var demo = new Command("demo", "Run a coordinator's sample day (care plans, bookings, check-in, results, referrals, a claim) into a new database and print the worklist.")
        {
            demoDb, demoDataKey, demoAuditKey,
        };
        var claimFile = new Argument<string>("claims") { Description = "The claim file (docs/claim-format.md)." };
        var x12Option = new Option<string>("--x12") { Description = "Write the X12 837P file here.", Required = true };
        var claim = new Command("claim", "Check claims, print each patient's responsibility estimate, and write the X12 837P file.") { claimFile, x12Option };
        var x12 = new X12Commands();
        var root = new RootCommand("MedCoord appointment solver.") { solve, validate, recommend, fill, replan, audit, demo, claim, x12.Eligibility, x12.Ack, x12.Remit };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"command line: {error.Message}");
            }

            return BadInput;
        }

        var terminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            // Redirected output is read by programs and people searching it: never wrap a line.
            console.Profile.Width = 1000;
        }

        try
        {
            if (parse.CommandResult.Command == validate)
            {
                return await ValidateAsync(parse.GetValue(validateArgument)!, console, stderr);
            }

            if (parse.CommandResult.Command == recommend)
            {
                return await new RecommendCommand(
                    parse.GetValue(recommendProblem)!,
                    parse.GetValue(bookOption)!,
                    parse.GetValue(requestOption)!,
                    parse.GetValue(topOption),
                    parse.GetValue(stepOption),
                    parse.GetValue(slotsOutOption)).RunAsync(console, stderr);
            }

            if (parse.CommandResult.Command == claim)
            {
                return await new ClaimCommand(parse.GetValue(claimFile)!, parse.GetValue(x12Option)!).RunAsync(console, stderr);
            }

            if (x12.Find(parse, environment) is { } x12Command)
            {
                return await x12Command(console, stderr);
            }

            if (parse.CommandResult.Command == demo)
            {
                return await new DemoCommand(parse.GetValue(demoDb)!, parse.GetValue(demoDataKey), parse.GetValue(demoAuditKey)).RunAsync(console, stderr, environment);
            }

            if (parse.CommandResult.Command == verifyAudit)
            {
                return await new AuditCommand(parse.GetValue(dbOption)!, parse.GetValue(expectHeadOption), parse.GetValue(verifyDataKey), parse.GetValue(verifyAuditKey), Checkpoint: false)
                    .RunAsync(console, stderr, environment);
            }

            if (parse.CommandResult.Command == checkpoint)
            {
                return await new AuditCommand(parse.GetValue(checkpointDb)!, null, parse.GetValue(checkpointDataKey), parse.GetValue(checkpointAuditKey), Checkpoint: true)
                    .RunAsync(console, stderr, environment);
            }

            if (parse.CommandResult.Command == replan)
            {
                return await new ReplanCommand(parse.GetValue(replanProblem)!, parse.GetValue(previousOption)!, parse.GetValue(replanOut)!,
                    parse.GetValue(replanTime), parse.GetValue(replanWorkers), parse.GetValue(replanSeed)).RunAsync(console, stderr);
            }

            if (parse.CommandResult.Command == fill)
            {
                return await new FillCommand(parse.GetValue(fillProblem)!, parse.GetValue(fillBook)!, parse.GetValue(cancelOption)!, parse.GetValue(fillOut)!)
                    .RunAsync(console, stderr);
            }

            if (parse.CommandResult.Command == solve)
            {
                var request = new SolveCommand(
                    parse.GetValue(problemArgument)!,
                    parse.GetValue(outOption),
                    parse.GetValue(timeLimitOption),
                    parse.GetValue(workersOption),
                    parse.GetValue(seedOption),
                    parse.GetValue(htmlOption));
                return await request.RunAsync(console, stderr);
            }

            return await parse.InvokeAsync();
        }
        catch (OutputFileException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return Failure;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return Failure;
        }
    }

    private static async Task<int> ValidateAsync(string path, IAnsiConsole console, TextWriter stderr)
    {
        if (await ProblemLoader.LoadAsync(path, stderr) is not { } problem)
        {
            return BadInput;
        }

        console.MarkupLine($"[green]valid[/]: {Markup.Escape(path)} has {problem.Problem.Requests.Count} requests, {problem.Problem.Providers.Count} providers, {problem.Problem.Rooms.Count} rooms, {problem.Problem.Facilities.Count} facilities");
        return Success;
    }
}

/// <summary>Reads a problem file, printing one line per error (each naming its JSON path).</summary>
internal static class ProblemLoader
{
    public static Task<ValidatedProblem?> LoadAsync(string path, TextWriter stderr) =>
        InputFile.LoadAsync(path, "problem file", bytes => (ProblemFile.TryRead(bytes, out var problem), problem), nameFile: false, stderr);
}

/// <summary>Reads an input file and parses it, printing one line per problem; nothing on success.</summary>
internal static class InputFile
{
    /// <param name="path">The file.</param>
    /// <param name="what">What it is, for the message when it cannot be read.</param>
    /// <param name="parse">The parser of the file's bytes: every error, and the value when there are none.</param>
    /// <param name="nameFile">Whether each error line starts with the file's path (where a command reads several files).</param>
    /// <param name="stderr">Where errors go.</param>
    public static async Task<T?> LoadAsync<T>(string path, string what, Func<byte[], (IReadOnlyList<ValidationError> Errors, T? Value)> parse, bool nameFile, TextWriter stderr)
        where T : class
    {
        if (await ReadAsync(path, what, stderr) is not { } bytes)
        {
            return null;
        }

        var (errors, value) = parse(bytes);
        foreach (var error in errors)
        {
            await stderr.WriteLineAsync(nameFile ? $"{path}: {error}" : error.ToString());
        }

        return errors.Count == 0 ? value : null;
    }

    /// <summary>The file's bytes (decoded by the library's readers, which refuse invalid UTF-8), or null after saying why they cannot be read.</summary>
    public static async Task<byte[]?> ReadAsync(string path, string what, TextWriter stderr)
    {
        try
        {
            return await File.ReadAllBytesAsync(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var why = Directory.Exists(path) ? "it is a directory" : ex.GetType().Name.Replace("Exception", string.Empty, StringComparison.Ordinal);
            await stderr.WriteLineAsync($"{path}: cannot read the {what} ({why})");
            return null;
        }
    }
}

/// <summary>One run of <c>medcoord solve</c>.</summary>
internal sealed record SolveCommand(string ProblemPath, string? OutPath, double? TimeLimitSeconds, int? Workers, int? Seed, string? HtmlPath = null)
{
    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr)
    {
        var flagErrors = SolveFlags.Check(TimeLimitSeconds, Workers, Seed);
        flagErrors.AddRange(OutputFile.Check(("--out", OutPath), ("--html", HtmlPath)));

        var problem = await ProblemLoader.LoadAsync(ProblemPath, stderr);
        foreach (var error in flagErrors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (problem is null || flagErrors.Count > 0)
        {
            return SolverCommandLine.BadInput;
        }

        var options = SolveFlags.Options(TimeLimitSeconds, Workers, Seed);
        var scheduler = new AppointmentScheduler();
        using var cancel = new CtrlC();
        var schedule = await console.Status().StartAsync("solving…", async ctx =>
        {
            var progress = new Progress<SolveProgress>(p => ctx.Status(Markup.Escape(
                $"solving… {p.Elapsed.TotalSeconds:0.0}s  best priority {p.ScheduledPriority}  bound {p.UpperBound}  (level {p.Phase} of 3)")));
            return await Task.Run(() => scheduler.Solve(problem, options, progress, cancel.Token));
        });

        if (OutPath is not null)
        {
            OutputFile.WriteAtomically("--out", OutPath, ScheduleFile.Serialize(schedule));
        }

        if (HtmlPath is not null)
        {
            OutputFile.WriteAtomically("--html", HtmlPath, ScheduleHtml.Render(problem.Problem, schedule));
        }

        ScheduleReport.Write(console, problem.Problem, schedule, OutPath);
        return SolverCommandLine.Success;
    }
}
