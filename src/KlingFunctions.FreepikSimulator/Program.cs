// Placeholder entry point; the simulator is built in the foundation issue.
Console.WriteLine("Freepik simulator");
