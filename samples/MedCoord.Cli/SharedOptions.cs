using System.CommandLine;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Validation;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>The arguments and options several commands take, each defined here once (a new instance per command).</summary>
internal static class SharedOptions
{
    public static Argument<string> Problem(string description = "The problem file (format v1).") => new("problem") { Description = description };

    /// <summary><c>--out</c>, optional.</summary>
    public static Option<string?> Out(string description) => new("--out") { Description = description };

    /// <summary><c>--out</c>, required.</summary>
    public static Option<string> RequiredOut(string description) => new("--out") { Description = description, Required = true };

    public static Option<string?> Html() => new("--html") { Description = "Write a picture of the schedule here: one self-contained HTML page." };

    public static Option<string> Book(string description) => new("--book") { Description = description, Required = true };

    /// <summary><c>--db</c>, required.</summary>
    public static Option<string> Db(string description) => new("--db") { Description = description, Required = true };

    /// <summary><c>--db</c>, optional.</summary>
    public static Option<string?> OptionalDb(string description) => new("--db") { Description = description };

    /// <summary><c>--claims</c>, required.</summary>
    public static Option<string> Claims(string description) => new("--claims") { Description = description, Required = true };

    /// <summary><c>--x12</c>, required.</summary>
    public static Option<string> X12(string description) => new("--x12") { Description = description, Required = true };

    public static Option<string?> DataKeyFile() => new("--data-key-file") { Description = $"A file holding the data key (32 bytes, base64); overrides {EngineKeys.DataVariable}." };

    public static Option<string?> AuditKeyFile() => new("--audit-key-file") { Description = $"A file holding the audit key (32 bytes, base64); overrides {EngineKeys.AuditVariable}." };
}

/// <summary>
/// <c>--time-limit</c>, <c>--workers</c> and <c>--seed</c> of the commands that solve (<c>solve</c>, <c>replan</c>): read
/// into the library's <see cref="SolveOptions"/> and checked by its <see cref="SolveOptions.Validate"/>, as the problem
/// file's options are.
/// </summary>
internal sealed class SolveFlags
{
    public Option<double?> TimeLimit { get; } = new("--time-limit") { Description = "Time limit in seconds (overrides the problem's options)." };

    public Option<int?> Workers { get; } = new("--workers") { Description = "CP-SAT worker threads; 0 = the machine's core count." };

    public Option<int?> Seed { get; } = new("--seed") { Description = "Random seed; with one worker the same seed gives the same schedule." };

    public IEnumerable<Option> All => [TimeLimit, Workers, Seed];

    /// <summary>The options the flags give (null where a flag is absent).</summary>
    public SolveOptions Read(ParseResult parse) => new(
        parse.GetValue(TimeLimit) is { } seconds ? SolveOptions.TimeLimitFromSeconds(seconds) : null,
        parse.GetValue(Workers),
        parse.GetValue(Seed));

    /// <summary>Every flag out of bounds, named by its flag (<c>--workers: …</c>).</summary>
    public static List<ValidationError> Check(SolveOptions options) => [.. options.Validate("--", OptionNaming.CommandLine)];
}

/// <summary>Runs the command a parse chose.</summary>
internal delegate Task<int> CommandRun(ParseResult parse, IAnsiConsole console, TextWriter stderr, Func<string, string?> environment);

/// <summary>Each runnable command with how to run it; commands that only group others have none.</summary>
internal sealed class CommandTable
{
    private readonly Dictionary<Command, CommandRun> _runs = [];

    /// <summary>Registers a runnable command and returns it.</summary>
    public Command Add(Command command, CommandRun run)
    {
        _runs.Add(command, run);
        return command;
    }

    public CommandRun? Find(Command command) => _runs.GetValueOrDefault(command);
}
