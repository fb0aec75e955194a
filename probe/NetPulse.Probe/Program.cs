// Placeholder until the CLI lands; replaced in this session.
return 0;
