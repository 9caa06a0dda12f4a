using MedCoord.Cli;

return await SolverCommandLine.RunAsync(args, Console.Out, Console.Error);
