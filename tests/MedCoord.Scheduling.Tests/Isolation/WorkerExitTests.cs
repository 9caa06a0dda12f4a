using MedCoord.Scheduling.Isolation;

namespace MedCoord.Scheduling.Tests.Isolation;

/// <summary>How a worker's exit is named: its code, and on Unix the signal a shell's 128 + N code stands for.</summary>
public sealed class WorkerExitTests
{
    [Theory]
    [InlineData(129, "SIGHUP")]
    [InlineData(130, "SIGINT")]
    [InlineData(131, "SIGQUIT")]
    [InlineData(132, "SIGILL")]
    [InlineData(136, "SIGFPE")]
    [InlineData(137, "SIGKILL")]
    [InlineData(139, "SIGSEGV")]
    [InlineData(141, "SIGPIPE")]
    [InlineData(142, "SIGALRM")]
    [InlineData(143, "SIGTERM")]
    public void DescribeExit_ACodeOfASignal_NamesTheSignal_ExceptOnWindows(int code, string signal)
    {
        var windows = OperatingSystem.IsWindows();

        Assert.Equal($"exit code {code} (signal {signal})", SolverWorkerException.DescribeExit(code, windows: false));
        Assert.Equal($"exit code {code}", SolverWorkerException.DescribeExit(code, windows: true));
        Assert.Equal(SolverWorkerException.DescribeExit(code, windows), SolverWorkerException.DescribeExit(code));
        Assert.Equal(windows ? null : signal, new SolverWorkerException(SolverWorkerFailure.Died, 1, code, 0, "m").Signal);
    }

    [Fact]
    public void DescribeExit_AnAbort_SaysAFailedCpSatCheckEndsSo()
    {
        Assert.Equal("exit code 134 (signal SIGABRT: an abort, as a failed CP-SAT check ends)", SolverWorkerException.DescribeExit(134, windows: false));
        Assert.Equal("exit code 134", SolverWorkerException.DescribeExit(134, windows: true));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(128)]
    [InlineData(133)]
    [InlineData(135)]
    [InlineData(138)]
    [InlineData(140)]
    [InlineData(144)]
    [InlineData(-1)]
    public void DescribeExit_AnyOtherCode_IsTheCodeAlone_InHexOnWindowsWhenNegative(int code)
    {
        Assert.Equal($"exit code {code}", SolverWorkerException.DescribeExit(code, windows: false));
        Assert.Equal(code < 0 ? $"exit code 0x{code:X8}" : $"exit code {code}", SolverWorkerException.DescribeExit(code, windows: true));
        Assert.Equal(SolverWorkerException.DescribeExit(code, OperatingSystem.IsWindows()), SolverWorkerException.DescribeExit(code));
        Assert.Null(new SolverWorkerException(SolverWorkerFailure.Died, 1, code, 0, "m").Signal);
    }

    [Fact]
    public void DescribeExit_AWindowsAccessViolation_IsItsStatusInHex() =>
        Assert.Equal("exit code 0xC0000005", SolverWorkerException.DescribeExit(unchecked((int)0xC0000005), windows: true));

    [Fact]
    public void Exception_KeepsWhatFailedOnWhichAttempt()
    {
        var inner = new IOException("pipe");
        var ex = new SolverWorkerException(SolverWorkerFailure.NotAWorker, 2, null, 3, "the message", inner);

        Assert.Equal((SolverWorkerFailure.NotAWorker, 2, null, null, 3, "the message"), (ex.Failure, ex.Attempt, ex.ExitCode, ex.Signal, ex.ErrorOutputLines, ex.Message));
        Assert.Same(inner, ex.InnerException);
    }
}
