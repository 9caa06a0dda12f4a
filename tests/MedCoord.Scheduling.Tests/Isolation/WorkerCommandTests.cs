using System.Diagnostics;
using MedCoord.Scheduling.Isolation;

namespace MedCoord.Scheduling.Tests.Isolation;

/// <summary><c>medcoord worker</c> as a process, for what only the console solver checks.</summary>
public sealed class WorkerCommandTests
{
    private static (int Code, string Stdout, string Stderr) Run(string[] args, IReadOnlyDictionary<string, string>? environment = null, byte[]? input = null)
    {
        var start = new ProcessStartInfo(WorkerProcess.Dotnet) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(WorkerProcess.Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.BaseStream.Write(input ?? []);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000));
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Worker_UnknownFlag_ExitsTwoNamingIt()
    {
        var (code, stdout, stderr) = Run(["worker", "--presolve"]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("command line: Unrecognized command or argument '--presolve'.", stderr);
    }

    [Fact]
    public void Worker_AbortSwitchNotANumber_ExitsTwoNamingTheVariable()
    {
        var (code, _, stderr) = Run(["worker"], new Dictionary<string, string> { ["MEDCOORD_WORKER_ABORT_AFTER_MS"] = "soon" });

        Assert.Equal(2, code);
        Assert.Equal("MEDCOORD_WORKER_ABORT_AFTER_MS: must be a whole number of milliseconds, found 'soon'", stderr.Trim());
    }

    [Fact]
    public void Worker_NoInput_SaysHelloThenExitsTwo()
    {
        var (code, stdout, stderr) = Run(["worker"]);

        Assert.Equal(2, code);
        Assert.Equal("medcoord-worker 1", stdout.Trim());
        Assert.Equal("problem: missing; the input ended first", stderr.Trim());
    }

    [Fact]
    public void Worker_AProblemWithAByteThatIsNotUtf8_ExitsTwoNamingItsOffset()
    {
        var line = System.Text.Encoding.UTF8.GetBytes(WorkerProtocol.Compact(ProblemFile.Serialize(TestProblems.Example())) + "\n");
        var offset = line.AsSpan().IndexOf("dr-okafor"u8);
        line[offset] = 0xFF;

        var (code, stdout, stderr) = Run(["worker"], input: line);

        Assert.Equal(2, code);
        Assert.Equal("medcoord-worker 1", stdout.Trim());
        Assert.Equal($"problem: $: invalid UTF-8 at byte offset {offset} (the file must be UTF-8)", stderr.Trim());
    }
}
