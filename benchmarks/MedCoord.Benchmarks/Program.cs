using BenchmarkDotNet.Running;
using MedCoord.Benchmarks;

if (args.Length > 0 && args[0] == "scale")
{
    return ScaleRunner.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(ClinicGenerator).Assembly).Run(args);
return 0;
