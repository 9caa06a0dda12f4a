global using MedCoord.Scheduling.Model;
global using MedCoord.Scheduling.Results;
global using MedCoord.Scheduling.Serialization;
global using MedCoord.Scheduling.Solving;
global using MedCoord.Scheduling.Validation;
global using NodaTime;
global using Xunit;
